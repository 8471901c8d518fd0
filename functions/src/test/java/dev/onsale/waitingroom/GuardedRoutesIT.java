package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seat map and the booking route behind an event's waiting room, through the local gateway. */
@ExtendWith(EmbeddedStack.class)
class GuardedRoutesIT {
    private static final String TOKEN = AdmissionGuard.TOKEN_HEADER;
    private final Gateway api;

    GuardedRoutesIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    private static String fan() {
        return "wr-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String admittedToken(long eventId, String user) {
        String queueToken = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=" + user, "").json()
                .get("token").asText();
        JsonNode status = api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + queueToken).json();
        assertTrue(status.get("admitted").asBoolean(), status.toString());
        return status.get("access_token").asText();
    }

    private Gateway.Reply hold(long eventId, String user, int seat, String... headers) {
        return api.post("/api/v1/bookings?user_id=" + user,
                "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seat + "]}", headers);
    }

    @Test
    void withTheRoomOnOnlyAdmittedFansReachTheSeatMapAndBookings() throws InterruptedException {
        long eventId = api.post("/api/v1/events", Events.concert("Queued on-sale", 1)).json().get("id").asLong();
        String seats = "/api/v1/events/" + eventId + "/seats?user_id=";
        String before = fan();
        assertEquals(200, api.get(seats + before).status(), "the room is off: everyone passes");
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=1&session_duration=300", "").status());

        String stranger = fan();
        Gateway.Reply refused = api.get(seats + stranger);
        assertEquals(403, refused.status());
        assertEquals("waiting_room_required", refused.json().get("error").asText());
        assertTrue(refused.json().get("join_url").asText().contains("/waiting-room/join"));
        assertEquals(403, api.get(seats + stranger, TOKEN, "wr1.forged.token").status());
        assertEquals(403, hold(eventId, stranger, 1).status());

        String first = fan();
        String access = admittedToken(eventId, first);
        assertEquals(200, api.get(seats + first, TOKEN, access).status());
        assertEquals(403, api.get(seats + stranger, TOKEN, access).status(), "a token does not transfer to another fan");

        String second = fan();
        String secondQueueToken = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=" + second, "")
                .json().get("token").asText();
        assertFalse(api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + secondQueueToken).json()
                .get("admitted").asBoolean(), "one slot, taken by the first fan");

        Gateway.Reply held = hold(eventId, first, 3, TOKEN, access);
        assertEquals(201, held.status(), held.body());
        long bookingId = held.json().get("id").asLong();
        assertEquals(200, api.post("/api/v1/bookings/" + bookingId + "/confirm?user_id=" + first, "").status());

        // the status function reads the room's door at most once a second: the next fan is in within a read or two
        JsonNode secondStatus = api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + secondQueueToken).json();
        for (long until = System.nanoTime() + 4_000_000_000L; !secondStatus.get("admitted").asBoolean() && System.nanoTime() < until; ) {
            Thread.sleep(1_000); // the pace the status route asks
            secondStatus = api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + secondQueueToken).json();
        }
        assertTrue(secondStatus.get("admitted").asBoolean(), "the confirmed purchase ended the first session: " + secondStatus);
        assertEquals(403, api.get(seats + first, TOKEN, access).status(), "the first fan's session has ended");

        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/disable", "").status());
        assertEquals(200, api.get(seats + stranger).status(), "disabling lets everyone through");
    }
}
