package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.http.Guard;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Admission on guarded routes: the guard's one Redis call on the real redis-server, and its decisions. */
@ExtendWith(EmbeddedStack.class)
class AdmissionGuardIT {
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final WaitingRoomService rooms = Rooms.service(redis, Duration.ofSeconds(30));
    private final AdmissionGuard browsing = rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.PASS);
    private final AdmissionGuard booking = rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.REFUSE);

    @AfterEach
    void close() {
        redis.close();
    }

    /** A room of one slot with "in" admitted and "waiting" in line; answers in's access token. */
    private String roomWithOneAdmitted(long eventId) {
        rooms.enable(eventId, 1, 300);
        var joined = rooms.join(eventId, "in");
        rooms.join(eventId, "waiting");
        var known = assertInstanceOf(WaitingRoomService.StatusOutcome.Known.class, rooms.status(eventId, joined.queueToken(), Optional.empty()));
        return assertInstanceOf(WaitingRoomService.Standing.Admitted.class, known.standing()).accessToken();
    }

    private Guard.Verdict check(long eventId, String user, String token) {
        return Rooms.run(browsing, Rooms.request(eventId, user, token), redis);
    }

    private JsonNode refused(Guard.Verdict verdict) throws IOException {
        var refuse = assertInstanceOf(Guard.Verdict.Refuse.class, verdict);
        assertEquals(403, refuse.response().status(), refuse.response().body());
        JsonNode body = Json.MAPPER.readTree(refuse.response().body());
        assertEquals("waiting_room_required", body.get("error").asText());
        return body;
    }

    @Test
    void anAdmittedFanPasses() {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        assertInstanceOf(Guard.Verdict.Pass.class, check(eventId, "in", token));
        assertInstanceOf(Guard.Verdict.Pass.class, Rooms.run(booking, Rooms.request(eventId, "in", token), redis));
    }

    @Test
    void noTokenIs403WithWhereToJoin() throws IOException {
        long eventId = Rooms.newEventId();
        roomWithOneAdmitted(eventId);
        JsonNode body = refused(check(eventId, "waiting", null));
        assertEquals("/api/v1/events/" + eventId + "/waiting-room/join", body.get("join_url").asText());
        assertEquals("/events/" + eventId + "/queue", body.get("queue_url").asText());
        assertTrue(body.get("detail").asText().contains(AdmissionGuard.TOKEN_HEADER), body.toString());
    }

    @Test
    void aForgedTokenIs403() throws IOException {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertTrue(refused(check(eventId, "in", forged)).get("detail").asText().contains("signature"));
    }

    @Test
    void anotherUsersTokenIs403() throws IOException {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        assertTrue(refused(check(eventId, "waiting", token)).get("detail").asText().contains("another user"));
        refused(check(eventId, null, token));
    }

    @Test
    void anotherEventsTokenIs403() throws IOException {
        long eventId = Rooms.newEventId();
        long otherEvent = Rooms.newEventId();
        rooms.enable(otherEvent, 10, 300);
        String token = roomWithOneAdmitted(eventId);
        assertTrue(refused(check(otherEvent, "in", token)).get("detail").asText().contains("another event"));
    }

    @Test
    void anExpiredTokenIs403() throws IOException {
        long eventId = Rooms.newEventId();
        roomWithOneAdmitted(eventId);
        String expired = Rooms.tokens().issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, eventId, "in", 1,
                Instant.now().minusSeconds(1)));
        assertTrue(refused(check(eventId, "in", expired)).get("detail").asText().contains("expired"));
    }

    @Test
    void aQueueTokenIs403() throws IOException {
        long eventId = Rooms.newEventId();
        roomWithOneAdmitted(eventId);
        String queueToken = rooms.join(eventId, "in").queueToken();
        refused(check(eventId, "in", queueToken));
    }

    @Test
    void aSessionEndedByAPurchaseIs403() throws IOException {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        assertTrue(rooms.endSession(eventId, "in"));
        assertTrue(refused(check(eventId, "in", token)).get("detail").asText().contains("ended"));
    }

    @Test
    void aTokenFromAResetRoomIs403() throws IOException {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        rooms.disable(eventId);
        rooms.enable(eventId, 1, 300);
        var other = rooms.join(eventId, "someone-else"); // ticket 1 again, in the new line
        assertInstanceOf(WaitingRoomService.Standing.Admitted.class,
                assertInstanceOf(WaitingRoomService.StatusOutcome.Known.class, rooms.status(eventId, other.queueToken(), Optional.empty())).standing());
        refused(check(eventId, "in", token));
    }

    @Test
    void withTheRoomOffEveryonePasses() {
        long eventId = Rooms.newEventId();
        assertInstanceOf(Guard.Verdict.Pass.class, check(eventId, "anyone", null), "never enabled");
        roomWithOneAdmitted(eventId);
        rooms.disable(eventId);
        assertInstanceOf(Guard.Verdict.Pass.class, check(eventId, "waiting", null), "disabled");
        assertInstanceOf(Guard.Verdict.Pass.class, check(eventId, "waiting", "garbage"), "disabled");
    }

    @Test
    void theCheckIsOneScriptCallInTheEventsSlot() {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        for (String presented : new String[] {token, null, "garbage"}) {
            Redis.ScriptCall call = browsing.prepare(Rooms.request(eventId, "in", presented)).orElseThrow();
            int slot = SlotHash.getSlot("{event:" + eventId + "}");
            assertTrue(Arrays.stream(call.keys()).allMatch(key -> SlotHash.getSlot(key) == slot), Arrays.toString(call.keys()));
        }
    }

    @Test
    void whenRedisIsDownBrowsingPassesAndBookingLetsOnlyTokenHoldersThrough() throws IOException {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        assertInstanceOf(Guard.Verdict.Pass.class, browsing.whenRedisUnavailable(Rooms.request(eventId, "waiting", null)));
        assertInstanceOf(Guard.Verdict.Pass.class, booking.whenRedisUnavailable(Rooms.request(eventId, "in", token)));
        var refused = assertInstanceOf(Guard.Verdict.Refuse.class, booking.whenRedisUnavailable(Rooms.request(eventId, "waiting", null)));
        assertEquals(503, refused.response().status());
        assertEquals("1", refused.response().headers().get("retry-after"));
    }

    @Test
    void aRequestNamingNoEventPassesOnToItsRoutesRefusal() {
        // no event can be read exactly when the route refuses the request itself, with the real reason (e.g. 413)
        Guard.Request request = new Guard.Request("POST /api/v1/bookings", Optional.of("in"), "127.0.0.1", Map.of(), Map.of(), Map.of());
        assertTrue(booking.prepare(request).isEmpty());
        assertInstanceOf(Guard.Verdict.Pass.class, booking.decide(request, null));
    }

    @Test
    void aBookingRouteCanNameTheEventFromItsBody() {
        long eventId = Rooms.newEventId();
        String token = roomWithOneAdmitted(eventId);
        // how the booking route wires it: the event id it read from the body, handed to the guard
        AdmissionGuard fromBody = rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.REFUSE,
                request -> java.util.OptionalLong.of(eventId));
        Guard.Request request = new Guard.Request("POST /api/v1/bookings", Optional.of("in"), "127.0.0.1", Map.of(),
                Map.of(AdmissionGuard.TOKEN_HEADER, token), Map.of());
        assertInstanceOf(Guard.Verdict.Pass.class, Rooms.run(fromBody, request, redis));
    }
}
