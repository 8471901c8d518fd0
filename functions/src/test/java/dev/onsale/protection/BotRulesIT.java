package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import dev.onsale.http.Guards;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each bot rule on the local stack's redis-server: it trips, blocks, escalates and expires as
 * docs/surge-protection.md ("Bot rules") says. Cooling-off is shortened (400 ms, doubling, at most 1 s,
 * strikes kept 1.5 s) so the whole life of a block fits in a test; the limits are out of the way so only
 * the rules decide.
 */
@ExtendWith(EmbeddedStack.class)
class BotRulesIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000);
    private static final String SEAT_MAP = "GET /api/v1/events/{event_id}/seats";
    private static final String HOLD = "POST /api/v1/bookings";
    private final Redis redis = Redis.dedicated(EmbeddedStack.config("GetSeatMapFunction").redis());

    @AfterEach
    void close() {
        redis.close();
    }

    private Guards guards(List<Guard> guards) {
        return new Guards(redis, Duration.ofSeconds(1), guards);
    }

    private static Guard.Request request(String route, String user) {
        return new Guard.Request(route, Optional.of(user), "198.51.100.7", Map.of(), Map.of(), Map.of());
    }

    private static String newUser() {
        return "bot" + USERS.incrementAndGet();
    }

    private static void passes(Guards guards, Guard.Request request, int times) {
        for (int i = 0; i < times; i++) {
            assertInstanceOf(Guard.Verdict.Pass.class, guards.check(request), "request " + (i + 1));
        }
    }

    /** The cooling-off answer: 429 cooling_off with the rule's detail and a Retry-After. */
    private static ApiResponse coolingOff(Guard.Verdict verdict, BotRule rule) {
        ApiResponse response = assertInstanceOf(Guard.Verdict.Refuse.class, verdict).response();
        assertEquals(429, response.status(), response.body());
        assertEquals(Optional.of("cooling_off"), response.error());
        assertEquals(rule.detail(), readTree(response.body()).get("detail").asText());
        assertTrue(Long.parseLong(response.headers().get("retry-after")) >= 1);
        return response;
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private long blockLeftMillis(String user) {
        return redis.sync().pttl(ProtectionKeys.block(user));
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Test
    void seatChecksPerMinuteTripBlockEscalateAndAreForgiven() throws InterruptedException {
        TestSettings settings = TestSettings.rulesOnly();
        settings.seatChecksPerMinute = 3;
        Guards guards = guards(settings.protection().seatMap());
        String user = newUser();
        Guard.Request check = request(SEAT_MAP, user);

        passes(guards, check, 3);
        coolingOff(guards.check(check), BotRule.SEAT_CHECKS); // the 4th check within the minute trips
        long first = blockLeftMillis(user);
        assertTrue(first > 200 && first <= 400, "first cooling-off " + first + " ms");
        coolingOff(guards.check(check), BotRule.SEAT_CHECKS); // blocked: not counted, not spent
        assertEquals("seat_check", redis.sync().get(ProtectionKeys.block(user)));

        sleep(first + 50);
        passes(guards, check, 3); // the block is over and the tripped counter started again
        coolingOff(guards.check(check), BotRule.SEAT_CHECKS);
        long second = blockLeftMillis(user);
        assertTrue(second > 500 && second <= 800, "the second trip doubles: " + second + " ms");

        sleep(second + 50);
        passes(guards, check, 3);
        coolingOff(guards.check(check), BotRule.SEAT_CHECKS);
        long third = blockLeftMillis(user);
        assertTrue(third > 600 && third <= 1_000, "capped at the longest cooling-off (not 1,600): " + third + " ms");
        assertEquals("3", redis.sync().get(ProtectionKeys.strikes(user)));

        sleep(1_550); // strikes are forgotten 1.5 s after the last trip
        assertNull(redis.sync().get(ProtectionKeys.strikes(user)));
        passes(guards, check, 3);
        coolingOff(guards.check(check), BotRule.SEAT_CHECKS);
        long forgiven = blockLeftMillis(user);
        assertTrue(forgiven > 200 && forgiven <= 400, "back to the first cooling-off: " + forgiven + " ms");
    }

    @Test
    void seatChecksPerHourTripToo() {
        TestSettings settings = TestSettings.rulesOnly();
        settings.seatChecksPerHour = 4;
        Guards guards = guards(settings.protection().seatMap());
        String user = newUser();
        passes(guards, request(SEAT_MAP, user), 4);
        coolingOff(guards.check(request(SEAT_MAP, user)), BotRule.SEAT_CHECKS);
        assertNull(redis.sync().get(ProtectionKeys.antibot("seat_check:hour", user)), "the tripped counter starts again");
        assertEquals("5", redis.sync().get(ProtectionKeys.antibot("seat_check:minute", user)));
        long window = redis.sync().pttl(ProtectionKeys.antibot("seat_check:minute", user));
        assertTrue(window > 55_000 && window <= 60_000, "a minute's window: " + window);
    }

    @Test
    void bookingAttemptsPerHourTripAndTheBlockEnds() throws InterruptedException {
        TestSettings settings = TestSettings.rulesOnly();
        settings.bookingAttemptsPerHour = 3;
        Guards guards = guards(settings.protection().createBooking(CreateBookingHandler::isFailedHold));
        String user = newUser();
        passes(guards, request(HOLD, user), 3);
        ApiResponse blocked = coolingOff(guards.check(request(HOLD, user)), BotRule.BOOKING_ATTEMPTS);
        assertEquals("1", blocked.headers().get("retry-after"));
        assertTrue(blocked.headers().get("ratelimit").startsWith("\"booking\";r=0;t=1"), blocked.headers().toString());

        sleep(450);
        assertInstanceOf(Guard.Verdict.Pass.class, guards.check(request(HOLD, user)), "the block has ended");
    }

    @Test
    void failedHoldsAreCountedFromTheAnswerAndTrip() {
        TestSettings settings = TestSettings.rulesOnly();
        settings.failedHolds = 2;
        Guards guards = guards(settings.protection().createBooking(CreateBookingHandler::isFailedHold));
        String user = newUser();
        Guard.Request hold = request(HOLD, user);
        String counter = ProtectionKeys.antibot("failed_holds", user);

        assertInstanceOf(Guard.Verdict.Pass.class, guards.check(hold));
        guards.afterAnswer(hold, ApiResponse.json(201, Map.of("id", 1)));
        assertNull(redis.sync().get(counter), "a hold that succeeded is no failure");
        guards.afterAnswer(hold, ApiResponse.error(409, "hold_limit_reached", "not a failed hold"));
        assertNull(redis.sync().get(counter), "only seats_unavailable counts");

        for (int i = 0; i < 3; i++) {
            assertInstanceOf(Guard.Verdict.Pass.class, guards.check(hold));
            guards.afterAnswer(hold, ApiResponse.error(409, "seats_unavailable", "Seats 1 are not available", Map.of("seat_ids", List.of(1))));
        }
        assertEquals("3", redis.sync().get(counter));
        long window = redis.sync().pttl(counter);
        assertTrue(window > 590_000 && window <= 600_000, "the failure window: " + window);
        coolingOff(guards.check(hold), BotRule.FAILED_HOLDS); // over 2 failed holds: the next attempt is refused
    }

    @Test
    void holdsFasterThanAPersonCanClickTrip() {
        TestSettings settings = TestSettings.rulesOnly();
        settings.fastBookings = 2;
        settings.humanInterval = Duration.ofMillis(300);
        Guards guards = guards(settings.protection().createBooking(CreateBookingHandler::isFailedHold));
        String user = newUser();
        passes(guards, request(HOLD, user), 2);
        coolingOff(guards.check(request(HOLD, user)), BotRule.BOOKING_PACE);
    }

    @Test
    void aPersonsPaceNeverTrips() throws InterruptedException {
        TestSettings settings = TestSettings.rulesOnly();
        settings.fastBookings = 2;
        settings.humanInterval = Duration.ofMillis(100);
        Guards guards = guards(settings.protection().createBooking(CreateBookingHandler::isFailedHold));
        String user = newUser();
        for (int i = 0; i < 6; i++) {
            assertInstanceOf(Guard.Verdict.Pass.class, guards.check(request(HOLD, user)), "request " + (i + 1));
            sleep(130);
        }
    }

    @Test
    void aBlockHoldsOnEveryRouteWithBotRulesButNotOnConfirmOrCancel() {
        TestSettings settings = TestSettings.rulesOnly();
        settings.seatChecksPerMinute = 1;
        settings.coolingOff = Duration.ofSeconds(5);
        SurgeProtection protection = settings.protection();
        String user = newUser();
        Guards seatMap = guards(protection.seatMap());
        passes(seatMap, request(SEAT_MAP, user), 1);
        coolingOff(seatMap.check(request(SEAT_MAP, user)), BotRule.SEAT_CHECKS);

        coolingOff(guards(protection.createBooking(CreateBookingHandler::isFailedHold)).check(request(HOLD, user)),
                BotRule.SEAT_CHECKS);
        assertInstanceOf(Guard.Verdict.Pass.class,
                guards(protection.changeBooking()).check(request("POST /api/v1/bookings/{booking_id}/confirm", user)));
    }
}
