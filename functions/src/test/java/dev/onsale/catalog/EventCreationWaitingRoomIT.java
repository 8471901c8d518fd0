package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/events} with {@code waiting_room}: the room is on before the event can be seen, and
 * without Redis there is no event at all. Through the local gateway, on DynamoDB Local and redis-server.
 */
@ExtendWith(EmbeddedStack.class)
class EventCreationWaitingRoomIT {
    private static final String TOKEN = "x-waiting-room-token";
    private final LocalStack stack;
    private final Gateway api;

    EventCreationWaitingRoomIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    private static String fan() {
        return "wr-created-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Gateway.Reply hold(long eventId, String user, String... headers) {
        return api.post("/api/v1/bookings?user_id=" + user, "{\"event_id\": " + eventId + ", \"seat_ids\": [1]}", headers);
    }

    private JsonNode stats(long eventId) {
        Gateway.Reply reply = api.get("/api/v1/events/" + eventId + "/waiting-room/stats");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void anEventCreatedWithItsRoomOnServesOnlyAdmittedFansFromTheStart() {
        Gateway.Reply created = api.post("/api/v1/events",
                Events.concert("Room from the start", 1, "\"waiting_room\": {\"max_concurrent\": 2, \"session_duration\": 120}"));
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();

        Gateway.Reply refused = hold(eventId, fan());
        assertEquals(403, refused.status(), refused.body());
        assertEquals("waiting_room_required", refused.json().get("error").asText());
        JsonNode room = stats(eventId);
        assertTrue(room.get("enabled").asBoolean(), room.toString());
        assertEquals(2, room.get("max_concurrent").asInt());
        assertEquals(120, room.get("session_duration_seconds").asInt());

        String admitted = fan();
        String queueToken = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=" + admitted, "").json()
                .get("token").asText();
        JsonNode status = api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + queueToken).json();
        assertTrue(status.get("admitted").asBoolean(), status.toString());
        Gateway.Reply held = hold(eventId, admitted, TOKEN, status.get("access_token").asText());
        assertEquals(201, held.status(), held.body());
    }

    @Test
    void anEmptyRoomTakesTheEnableRoutesDefaults() {
        Gateway.Reply created = api.post("/api/v1/events", Events.concert("Default room", 1, "\"waiting_room\": {}"));
        assertEquals(201, created.status(), created.body());

        JsonNode room = stats(created.json().get("id").asLong());

        Config.WaitingRoom defaults = EmbeddedStack.config("CreateEventFunction").waitingRoom();
        assertTrue(room.get("enabled").asBoolean());
        assertEquals(defaults.defaultMaxConcurrent(), room.get("max_concurrent").asInt());
        assertEquals(defaults.defaultSession().toSeconds(), room.get("session_duration_seconds").asLong());
    }

    @Test
    void roomSwitchesOutOfRangeAre422AsTheEnableRouteRefusesThem() {
        String[][] cases = {
                {"{\"max_concurrent\": 0}", "waiting_room.max_concurrent must be between 1 and 1000000", "max_concurrent=0"},
                {"{\"session_duration\": 86401}", "waiting_room.session_duration must be between 1 and 86400", "session_duration=86401"},
        };
        long existing = api.post("/api/v1/events", Events.concert("Room later", 1)).json().get("id").asLong();
        for (String[] room : cases) {
            Gateway.Reply refused = api.post("/api/v1/events", Events.concert("Bad room", 1, "\"waiting_room\": " + room[0]));
            assertEquals(422, refused.status(), refused.body());
            assertEquals("validation_failed", refused.json().get("error").asText());
            assertEquals(room[1], refused.json().get("detail").asText());

            Gateway.Reply enable = api.post("/api/v1/events/" + existing + "/waiting-room/enable?" + room[2], "");
            assertEquals(400, enable.status(), enable.body());
            assertEquals("waiting_room." + enable.json().get("detail").asText(), room[1], "the same check, the same words");
        }
        Gateway.Reply unknown = api.post("/api/v1/events", Events.concert("Bad room", 1, "\"waiting_room\": {\"max\": 5}"));
        assertEquals(422, unknown.status(), unknown.body());
    }

    @Test
    void withRedisDownACreationWithARoomIs503AndLeavesNoEvent() {
        Config config = EmbeddedStack.config("CreateEventFunction");
        var dynamo = Stacks.dynamoDb(config);
        CatalogStore store = new CatalogStore(() -> dynamo, config.eventsTable(), config.seatsTable());
        String name = "Never made " + UUID.randomUUID();
        long before = store.lastEventId();

        Gateway.Reply refused;
        stack.stopRedis();
        try {
            refused = api.post("/api/v1/events", Events.concert(name, 1, "\"waiting_room\": {\"max_concurrent\": 10}"));
        } finally {
            stack.startRedis();
        }

        assertEquals(503, refused.status(), refused.body());
        assertEquals("waiting_room_unavailable", refused.json().get("error").asText());
        assertTrue(refused.json().get("detail").asText().contains("not created"), refused.body());
        assertEquals("1", refused.header("retry-after").orElseThrow());
        long after = store.lastEventId();
        assertTrue(after > before, "the creation got as far as taking an id");
        for (long id = before + 1; id <= after; id++) {
            store.find(id).ifPresent(event -> assertTrue(!event.name().equals(name), "the event was created: " + event));
        }
    }
}
