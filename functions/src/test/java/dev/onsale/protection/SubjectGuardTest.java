package dev.onsale.protection;

import dev.onsale.platform.Redis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import io.lettuce.core.cluster.SlotHash;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A subject guard's keys, arguments and decisions, without Redis: replies are written as guard.lua answers them. */
class SubjectGuardTest {
    private final List<Guard> seatMap = new TestSettings().protection().seatMap();
    private final SubjectGuard user = (SubjectGuard) seatMap.get(0);
    private final SubjectGuard ip = (SubjectGuard) seatMap.get(1);

    private static Guard.Request request(String user, String ip) {
        return new Guard.Request("GET /api/v1/events/{event_id}/seats", Optional.ofNullable(user), ip, Map.of(), Map.of(), Map.of());
    }

    @Test
    void aUsersKeysAreTheOldSystemsNamesHashTaggedIntoOneSlot() {
        Redis.ScriptCall call = user.prepare(request("1", "127.0.0.1")).orElseThrow();
        assertEquals(List.of("antibot:block:user:{1}", "antibot:strikes:user:{1}", "LIMITER:user:{1}:seatmap",
                "antibot:seat_check:minute:user:{1}", "antibot:seat_check:hour:user:{1}"), List.of(call.keys()));
        assertEquals(1, Arrays.stream(call.keys()).mapToInt(SlotHash::getSlot).distinct().count());
        Redis.ScriptCall address = ip.prepare(request("1", "127.0.0.1")).orElseThrow();
        assertEquals(List.of("LIMITER:ip:{127.0.0.1}:seatmap"), List.of(address.keys()));
        assertNotEquals(SlotHash.getSlot(call.keys()[0]), SlotHash.getSlot(address.keys()[0]), "the address is a second slot");
    }

    @Test
    void theSettingsGoIntoTheScriptSoCallsCarryOnlyKeys() {
        Redis.ScriptCall call = user.prepare(request("1", "127.0.0.1")).orElseThrow();
        assertEquals(0, call.args().length);
        assertEquals("local S = {blockable = true, cooling = {60000, 3600000, 86400000}, limits = {{3000000, 60000000}, }, "
                        + "rules = {{'seat_check', 'count', 30, 60000}, {'seat_check', 'count', 600, 3600000}, }}\n",
                SubjectGuard.settings(List.of(new RateLimit("seatmap", Subject.USER, new TestSettings().seatMapPerUser)),
                        List.of(new Tripwire(BotRule.SEAT_CHECKS, "seat_check:minute", Tripwire.Kind.COUNT, 30, java.time.Duration.ofMinutes(1)),
                                new Tripwire(BotRule.SEAT_CHECKS, "seat_check:hour", Tripwire.Kind.COUNT, 600, java.time.Duration.ofHours(1))),
                        new CoolingOff(java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1), java.time.Duration.ofDays(1))));
        Redis.ScriptCall address = ip.prepare(request("1", "127.0.0.1")).orElseThrow();
        assertNotEquals(call.script().sha(), address.script().sha(), "each settings is its own script");
        assertEquals(call.script().sha(), ((SubjectGuard) new TestSettings().protection().seatMap().getFirst())
                .prepare(request("2", "127.0.0.1")).orElseThrow().script().sha(), "the same settings, the same script");
    }

    @Test
    void withoutACallerOrAddressThereIsNothingToCountAndAPerUserLimitRefusesTheCaller() {
        assertTrue(user.prepare(request(null, "127.0.0.1")).isEmpty());
        assertTrue(ip.prepare(request("1", "")).isEmpty());
        var refused = assertInstanceOf(Guard.Verdict.Refuse.class, user.decide(request(null, "127.0.0.1"), null),
                "a per-user limit nobody is counted against would be no limit");
        assertEquals(401, refused.response().status());
        assertEquals(Guard.Verdict.Pass.PLAIN, ip.decide(request("1", ""), null), "a hand-built event without an address");
    }

    @Test
    void aPassCarriesTheRateLimitHeaders() {
        var pass = assertInstanceOf(Guard.Verdict.Pass.class,
                user.decide(request("1", "x"), List.of(0L, "", 0L, 19L, 3_000_000L, 0L)));
        assertEquals(Map.of("ratelimit-policy", "\"seatmap\";q=20;w=60", "ratelimit", "\"seatmap\";r=19;t=3"), pass.headers());
    }

    @Test
    void overTheLimitIs429WithTheExactRetryAfter() {
        ApiResponse response = assertInstanceOf(Guard.Verdict.Refuse.class,
                user.decide(request("1", "x"), List.of(1L, "", 2_400_000L, 0L, 59_400_000L, 2_400_000L))).response();
        assertEquals(429, response.status());
        assertEquals(Optional.of("rate_limit_exceeded"), response.error());
        assertEquals("3", response.headers().get("retry-after"));
        assertEquals("\"seatmap\";r=0;t=60", response.headers().get("ratelimit"));
        assertTrue(response.body().contains("At most 20 requests per 60 s per user here (seatmap)"), response.body());
    }

    @Test
    void aBlockedUserIsToldWhichRuleAndHowLong() {
        for (long state : new long[] {2, 3}) {
            ApiResponse response = assertInstanceOf(Guard.Verdict.Refuse.class,
                    user.decide(request("1", "x"), List.of(state, "seat_check", 59_000_001L, 1L))).response();
            assertEquals(429, response.status());
            assertEquals(Optional.of("cooling_off"), response.error());
            assertTrue(response.body().contains("Too many seat checks. Please slow down."));
            assertEquals("60", response.headers().get("retry-after"));
            assertEquals("\"seatmap\";r=0;t=60", response.headers().get("ratelimit"));
        }
    }

    @Test
    void browsingFailsOpenAndBookingFailsClosed() {
        assertInstanceOf(Guard.Verdict.Pass.class, user.whenRedisUnavailable(request("1", "x")));
        Guard hold = new TestSettings().protection().createBooking(CreateBookingHandler::isFailedHold).getFirst();
        ApiResponse closed = assertInstanceOf(Guard.Verdict.Refuse.class, hold.whenRedisUnavailable(request("1", "x"))).response();
        assertEquals(503, closed.status());
        assertEquals("1", closed.headers().get("retry-after"));
    }

    @Test
    void onlyAFailedHoldAsksForASecondCall() {
        Guard hold = new TestSettings().protection().createBooking(CreateBookingHandler::isFailedHold).getFirst();
        assertTrue(hold.afterAnswer(request("1", "x"), ApiResponse.json(201, Map.of())).isEmpty());
        assertTrue(hold.afterAnswer(request("1", "x"), ApiResponse.error(409, "hold_limit_reached", "")).isEmpty());
        Redis.ScriptCall count = hold.afterAnswer(request("1", "x"), ApiResponse.error(409, "seats_unavailable", "")).orElseThrow();
        assertEquals(List.of("antibot:failed_holds:user:{1}"), List.of(count.keys()));
        assertEquals(List.of("600000"), List.of(count.args()));
        assertTrue(user.afterAnswer(request("1", "x"), ApiResponse.error(409, "seats_unavailable", "")).isEmpty());
    }

    @Test
    void joiningCountsTheSignedInUserAndTheAddress() {
        List<Guard> join = new TestSettings().protection().joinWaitingRoom();
        Guard.Request request = request("7", "127.0.0.9");
        assertEquals(List.of("LIMITER:user:{7}:waiting_room_join"), List.of(join.get(0).prepare(request).orElseThrow().keys()));
        assertEquals(List.of("LIMITER:ip:{127.0.0.9}:waiting_room_join"), List.of(join.get(1).prepare(request).orElseThrow().keys()));
        var refused = assertInstanceOf(Guard.Verdict.Refuse.class, join.get(0).decide(request(null, "127.0.0.9"), null));
        assertEquals(401, refused.response().status());
        assertEquals(Optional.of("unauthorized"), refused.response().error());
        ApiResponse closed = assertInstanceOf(Guard.Verdict.Refuse.class, join.get(0).whenRedisUnavailable(request),
                "a flood must not pass by slowing Redis down").response();
        assertEquals(503, closed.status());
        assertEquals("1", closed.headers().get("retry-after"));
    }

    @Test
    void checkingInCountsThePlaceTheRouteNamesAtOneCheckInPerPollIntervalInTheInstancesMemory() {
        Map<String, String> places = Map.of("good-token", "7:42", "other-token", "8:42");
        List<Guard> status = new TestSettings().protection().waitingRoomStatus(r -> Optional.ofNullable(places.get(r.query().get("token"))));
        Guard.Request request = statusRequest("good-token", "127.0.0.9");
        assertTrue(status.get(0).prepare(request).isEmpty(), "a check-in costs Redis nothing, its limit included");
        assertTrue(status.get(1).prepare(request).isEmpty());
        RateLimit pace = new RateLimit("waiting_room_status", Subject.USER, new TestSettings().waitingRoomStatusPerUser);
        assertEquals(1_000_000, pace.emissionIntervalMicros(), "one check-in a second");
        assertEquals(3_000_000, pace.burstMicros(), "three at once");
        for (int i = 0; i < 3; i++) {
            var pass = assertInstanceOf(Guard.Verdict.Pass.class, status.get(0).decide(request, null), "check-in " + i);
            assertEquals("\"waiting_room_status\";q=3;w=3", pass.headers().get("ratelimit-policy"));
        }
        ApiResponse limited = assertInstanceOf(Guard.Verdict.Refuse.class, status.get(0).decide(request, null)).response();
        assertEquals(429, limited.status());
        assertEquals("1", limited.headers().get("retry-after"));
        assertInstanceOf(Guard.Verdict.Pass.class, status.get(0).decide(statusRequest("other-token", "127.0.0.9"), null),
                "another place has its own quota");
    }

    private static Guard.Request statusRequest(String token, String ip) {
        return new Guard.Request("GET /api/v1/events/{event_id}/waiting-room/status", Optional.empty(), ip,
                Map.of("event_id", "42"), Map.of(), Map.of("token", token));
    }

    @Test
    void checkingInWithoutAGoodTokenNamesNoPlaceAndIs401() {
        List<Guard> status = new TestSettings().protection().waitingRoomStatus(r -> Optional.empty());
        Guard.Request request = new Guard.Request("GET /api/v1/events/{event_id}/waiting-room/status", Optional.of("7"), "127.0.0.9",
                Map.of("event_id", "42"), Map.of(), Map.of("token", "wr1.forged"));
        ApiResponse refused = assertInstanceOf(Guard.Verdict.Refuse.class, status.get(0).decide(request, null),
                "nothing to count, even for a signed-in caller: the token names the place").response();
        assertEquals(401, refused.status());
        assertEquals(Optional.of("unauthorized"), refused.error());
        assertTrue(refused.body().contains("Join again"), refused.body());
        assertInstanceOf(Guard.Verdict.Pass.class, status.get(1).decide(request, null), "the address is counted all the same");
    }
}
