package dev.onsale.waitingroom;

import static dev.onsale.testing.Replies.untilNot503;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.JwtStack;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Waiting-room tokens with callers the JWT authorizer vouched for: a token of user A for event 1 lets
 * neither user B nor event 2 in, however it is presented.
 */
class WaitingRoomTokensJwtIT {
    private static final String TOKEN = AdmissionGuard.TOKEN_HEADER;
    private static final String SMALL_EVENT = """
            {"name": "JWT queue", "venue": "Test Hall", "starts_at": "2027-06-01T19:30:00Z",
             "sections": [{"name": "Floor", "rows": 1, "seats_per_row": 10, "price": 20.00}]}
            """;
    private final Gateway api;
    private final String admin = JwtStack.bearer("wr-admin", true);
    private final String userA = "wr-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String userB = "wr-b-" + UUID.randomUUID().toString().substring(0, 8);
    private final String bearerA = JwtStack.bearer(userA, false);
    private final String bearerB = JwtStack.bearer(userB, false);

    WaitingRoomTokensJwtIT() {
        this.api = new Gateway(JwtStack.gatewayUrl());
    }

    private long eventBehindItsRoom() {
        long eventId = untilNot503(() -> api.post("/api/v1/events", SMALL_EVENT, "authorization", admin)).json().get("id").asLong();
        assertEquals(200, untilNot503(() -> api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=10&session_duration=300", "",
                "authorization", admin)).status());
        return eventId;
    }

    private String queueToken(long eventId, String bearer) {
        Gateway.Reply joined = untilNot503(() -> api.post("/api/v1/events/" + eventId + "/waiting-room/join", "", "authorization", bearer));
        assertEquals(200, joined.status(), joined.body());
        return joined.json().get("token").asText();
    }

    private JsonNode status(long eventId, String queueToken) {
        return untilNot503(() -> api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + queueToken)).json();
    }

    private Gateway.Reply seats(long eventId, String bearer, String accessToken) {
        String path = "/api/v1/events/" + eventId + "/seats";
        return untilNot503(() -> accessToken == null ? api.get(path, "authorization", bearer)
                : api.get(path, "authorization", bearer, TOKEN, accessToken));
    }

    private Gateway.Reply hold(long eventId, String bearer, String accessToken) {
        return untilNot503(() -> api.post("/api/v1/bookings", "{\"event_id\": " + eventId + ", \"seat_ids\": [7]}",
                "authorization", bearer, TOKEN, accessToken));
    }

    @Test
    void anAccessTokenServesOnlyItsUserAndItsEvent() {
        long event1 = eventBehindItsRoom();
        long event2 = eventBehindItsRoom();
        JsonNode admitted = status(event1, queueToken(event1, bearerA));
        assertTrue(admitted.get("admitted").asBoolean(), admitted.toString());
        String accessA = admitted.get("access_token").asText();

        assertEquals(200, seats(event1, bearerA, accessA).status(), "A, on event 1, with A's token");
        Gateway.Reply asB = seats(event1, bearerB, accessA);
        assertEquals(403, asB.status());
        assertEquals("waiting_room_required", asB.json().get("error").asText());
        assertEquals(403, hold(event1, bearerB, accessA).status(), "B cannot hold with A's token");
        assertEquals(403, seats(event2, bearerA, accessA).status(), "A's token for event 1 is not one for event 2");
        assertEquals(403, hold(event2, bearerA, accessA).status());
        assertEquals(201, hold(event1, bearerA, accessA).status(), "and A still holds with it on event 1");
    }

    @Test
    void aQueueTokenIsNotAnAccessTokenNorGoodForAnotherEvent() {
        long event1 = eventBehindItsRoom();
        long event2 = eventBehindItsRoom();
        String queueA = queueToken(event1, bearerA);
        assertEquals(403, seats(event1, bearerA, queueA).status(), "a queue token does not open the seat map");
        Gateway.Reply elsewhere = api.get("/api/v1/events/" + event2 + "/waiting-room/status?token=" + queueA);
        assertEquals(401, elsewhere.status(), "not a token for this room: no place to check in on");
        assertEquals("unauthorized", elsewhere.json().get("error").asText());
    }

    @Test
    void checkingInWithAnothersQueueTokenYieldsNothingUsable() {
        long event1 = eventBehindItsRoom();
        String queueA = queueToken(event1, bearerA);
        // the status route has no authorizer (the queue token is the credential): B's bearer token changes nothing
        JsonNode checkedInByB = api.get("/api/v1/events/" + event1 + "/waiting-room/status?token=" + queueA,
                "authorization", bearerB).json();
        assertTrue(checkedInByB.get("admitted").asBoolean(), checkedInByB.toString());
        String accessA = checkedInByB.get("access_token").asText();
        assertEquals(403, seats(event1, bearerB, accessA).status(), "the access token it yields is A's, not B's");
        assertEquals(200, seats(event1, bearerA, accessA).status());
    }

    @Test
    void theRoomsSwitchesAreForAdminsOnly() {
        long eventId = eventBehindItsRoom();
        Gateway.Reply byFan = api.post("/api/v1/events/" + eventId + "/waiting-room/disable", "", "authorization", bearerA);
        assertEquals(403, byFan.status());
        assertEquals("forbidden", byFan.json().get("error").asText());
        assertEquals(403, seats(eventId, bearerB, null).status(), "the room is still on");
    }
}
