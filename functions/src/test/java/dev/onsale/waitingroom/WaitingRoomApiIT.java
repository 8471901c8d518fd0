package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.http.Caller;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The waiting room's API through the local gateway, on the real redis-server. Each test has its own fans (joining
 * is limited per user) and the class its own loopback address (and per address).
 */
@ExtendWith(EmbeddedStack.class)
class WaitingRoomApiIT {
    private final Gateway api;
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final WaitingRoomService rooms = Rooms.service(redis, Duration.ofSeconds(30));
    private final String fans = "api" + UUID.randomUUID().toString().substring(0, 8) + "-";

    WaitingRoomApiIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl(), "127.0.0.70");
    }

    /** This test's fan number {@code n}. */
    private String fan(int n) {
        return fans + n;
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private static String room(long eventId, String action) {
        return "/api/v1/events/" + eventId + "/waiting-room/" + action;
    }

    private JsonNode enable(long eventId, int maxConcurrent, int sessionSeconds) {
        Gateway.Reply reply = api.post(room(eventId, "enable") + "?max_concurrent=" + maxConcurrent + "&session_duration=" + sessionSeconds, "");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private JsonNode join(long eventId, int user) {
        Gateway.Reply reply = api.post(room(eventId, "join") + "?user_id=" + fan(user), "");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private Gateway.Reply statusReply(long eventId, String token, String... query) {
        return api.get(room(eventId, "status") + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + String.join("", query));
    }

    private JsonNode status(long eventId, String token) {
        Gateway.Reply reply = statusReply(eventId, token);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    /**
     * The status once the function has read the room's door again (it does at most once a second, so a change made
     * just now shows within about a second): polls at the pace the route asks until admitted, for up to 3 s.
     */
    private JsonNode statusOnceTheDoorIsRead(long eventId, String token) throws InterruptedException {
        JsonNode status = status(eventId, token);
        for (long until = System.nanoTime() + 3_000_000_000L; !status.get("admitted").asBoolean() && System.nanoTime() < until; ) {
            Thread.sleep(1_000);
            status = status(eventId, token);
        }
        return status;
    }

    private JsonNode stats(long eventId) {
        Gateway.Reply reply = api.get(room(eventId, "stats"));
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void enablingAnswersTheSeedsShape() throws Exception {
        long eventId = Rooms.newEvent(api);
        assertEquals(Json.MAPPER.readTree("""
                {"message": "Waiting room enabled for event %d", "max_concurrent_users": 100, "session_duration_seconds": 300,
                 "admit_per_minute": 0}
                """.formatted(eventId)), enable(eventId, 100, 300));
    }

    @Test
    void tenUsersJoinInArrivalOrder() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 100, 300);
        Set<String> tokens = new HashSet<>();
        for (int user = 1; user <= 10; user++) {
            JsonNode joined = join(eventId, user);
            assertEquals(user, joined.get("position").asLong(), joined.toString());
            assertEquals("queued", joined.get("status").asText());
            assertEquals(0, joined.get("estimated_wait_seconds").asLong(), "100 free slots: no wait");
            tokens.add(joined.get("token").asText());
        }
        assertEquals(10, tokens.size());
        JsonNode stats = stats(eventId);
        assertEquals(10, stats.get("queue_size").asLong(), stats.toString());
        assertEquals(0, stats.get("active_sessions").asLong());
        assertEquals(100, stats.get("max_concurrent").asInt());
        assertEquals(100, stats.get("slots_available").asInt());
        assertEquals(eventId, stats.get("event_id").asLong());
    }

    @Test
    void joiningAgainGivesBackTheSamePlaceAndToken() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 100, 300);
        JsonNode first = join(eventId, 1);
        join(eventId, 2);
        JsonNode again = join(eventId, 1);
        assertEquals(first.get("token"), again.get("token"));
        assertEquals(1, again.get("position").asLong());
        assertEquals(2, stats(eventId).get("queue_size").asLong(), "no second place");
    }

    @Test
    void withThreeSlotsExactlyThreeAreAdmittedAndTheFourthGetsInWhenASessionEnds() throws InterruptedException {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 3, 300);
        List<String> tokens = new ArrayList<>();
        for (int user = 1; user <= 10; user++) {
            tokens.add(join(eventId, user).get("token").asText());
        }
        int admitted = 0;
        for (int user = 1; user <= 10; user++) {
            JsonNode status = status(eventId, tokens.get(user - 1));
            if (status.get("admitted").asBoolean()) {
                admitted++;
                assertTrue(user <= 3, "admitted out of order: user " + user);
                assertEquals("admitted", status.get("status").asText());
                assertNotNull(status.get("access_token").textValue());
                assertTrue(status.get("session_expires_in_seconds").asLong() > 290, status.toString());
            } else {
                assertEquals("queued", status.get("status").asText());
                assertEquals(user - 3, status.get("position").asLong(), status.toString());
                assertTrue(status.get("estimated_wait_seconds").asLong() > 0, status.toString());
            }
        }
        assertEquals(3, admitted);
        JsonNode stats = stats(eventId);
        assertEquals(3, stats.get("active_sessions").asLong(), stats.toString());
        assertEquals(0, stats.get("slots_available").asInt());
        assertEquals(7, stats.get("queue_size").asLong());

        assertFalse(status(eventId, tokens.get(3)).get("admitted").asBoolean(), "still full");
        assertTrue(rooms.endSession(eventId, fan(2)), "user 2 confirmed a purchase");
        JsonNode fourth = statusOnceTheDoorIsRead(eventId, tokens.get(3));
        assertTrue(fourth.get("admitted").asBoolean(), fourth.toString());
        assertEquals("ended", status(eventId, tokens.get(1)).get("status").asText());
        assertEquals(1, status(eventId, tokens.get(4)).get("position").asLong(), "the fifth is next");
        assertEquals(3, stats(eventId).get("active_sessions").asLong());
    }

    @Test
    void whenASessionExpiresTheNextFanGetsIn() throws InterruptedException {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 1, 1);
        String first = join(eventId, 1).get("token").asText();
        String second = join(eventId, 2).get("token").asText();
        assertTrue(status(eventId, first).get("admitted").asBoolean());
        assertEquals("queued", status(eventId, second).get("status").asText());
        Thread.sleep(1_200);
        assertTrue(status(eventId, second).get("admitted").asBoolean(), "the first session expired");
        JsonNode ended = status(eventId, first);
        assertEquals("ended", ended.get("status").asText(), ended.toString());
        assertFalse(ended.get("admitted").asBoolean());
    }

    @Test
    void anAdmittedFanJoiningAgainStaysAdmitted() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 1, 300);
        JsonNode joined = join(eventId, 1);
        assertTrue(status(eventId, joined.get("token").asText()).get("admitted").asBoolean());
        JsonNode again = join(eventId, 1);
        assertEquals("admitted", again.get("status").asText());
        assertEquals(joined.get("token"), again.get("token"));
        assertNotNull(again.get("access_token").textValue());
    }

    @Test
    void afterTheSessionEndsJoiningAgainGoesToTheBack() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 1, 300);
        String first = join(eventId, 1).get("token").asText();
        status(eventId, first);
        join(eventId, 2);
        rooms.endSession(eventId, fan(1));
        JsonNode again = join(eventId, 1);
        assertNotEquals(first, again.get("token").asText());
        assertEquals(2, again.get("position").asLong(), "behind user 2");
        assertEquals("not_in_queue", status(eventId, first).get("status").asText(), "the old token's place is gone");
    }

    @Test
    void statusRefusesForgedAndForeignTokens() {
        // the token is the status route's credential: without a good one there is no caller, so 401
        long eventId = Rooms.newEvent(api);
        long otherEvent = Rooms.newEvent(api);
        enable(eventId, 10, 300);
        enable(otherEvent, 10, 300);
        String token = join(eventId, 1).get("token").asText();
        String forged = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
        Gateway.Reply reply = statusReply(eventId, forged);
        assertEquals(401, reply.status(), reply.body());
        assertEquals("unauthorized", reply.json().get("error").asText());
        assertEquals(401, statusReply(otherEvent, token).status(), "a token for another event");
        String expired = Rooms.tokens().issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, eventId, fan(1), 1,
                Instant.now().minusSeconds(1)));
        assertEquals(401, statusReply(eventId, expired).status(), "an expired token");
        assertEquals(401, api.get(room(eventId, "status")).status(), "no token");
        assertEquals(200, statusReply(eventId, token).status(), "the good one still checks in");
    }

    @Test
    void joiningNeedsASignedInUser() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 10, 300);
        Gateway.Reply reply = api.post(room(eventId, "join"), "");
        assertEquals(401, reply.status(), reply.body());
    }

    @Test
    void switchingTheRoomNeedsAnAdmin() {
        // refused before the catalog is asked for the event
        var handler = new dev.onsale.catalog.EnableWaitingRoomHandler(null, Caller.AdminRule.group("admin"));
        var response = handler.handleRequest(APIGatewayV2HTTPEvent.builder()
                .withRawPath(room(1, "enable"))
                .withPathParameters(Map.of("event_id", "1"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", "5")).build()).build())
                        .build())
                .build(), null);
        assertEquals(403, response.getStatusCode(), response.getBody());
    }

    @Test
    void badSettingsAre400() {
        long eventId = Rooms.newEvent(api);
        assertEquals(400, api.post(room(eventId, "enable") + "?max_concurrent=0", "").status());
        assertEquals(400, api.post(room(eventId, "enable") + "?session_duration=abc", "").status());
        assertFalse(stats(eventId).get("enabled").asBoolean(), "nothing was switched on");
    }

    @Test
    void disablingLetsEveryoneThroughAndDropsTheLine() throws Exception {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 1, 300);
        String first = join(eventId, 1).get("token").asText();
        String second = join(eventId, 2).get("token").asText();
        status(eventId, first);
        assertFalse(status(eventId, second).get("admitted").asBoolean());

        Gateway.Reply reply = api.post(room(eventId, "disable"), "");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(Json.MAPPER.readTree("""
                {"message": "Waiting room disabled for event %d", "max_concurrent_users": 1, "session_duration_seconds": 300,
                 "admit_per_minute": 0}
                """.formatted(eventId)), reply.json());
        JsonNode after = statusOnceTheDoorIsRead(eventId, second);
        assertTrue(after.get("admitted").asBoolean(), after.toString());
        assertEquals("admitted", join(eventId, 3).get("status").asText());
        JsonNode stats = stats(eventId);
        assertFalse(stats.get("enabled").asBoolean());
        assertEquals(0, stats.get("queue_size").asLong());
        assertEquals(0, redis.sync().exists(WaitingRoomKeys.all(eventId).toArray(String[]::new)), "the line's keys are gone");
    }

    @Test
    void cacheStatsGroupTheRoomsKeysByFamily() {
        long eventId = Rooms.newEvent(api);
        enable(eventId, 1, 300);
        status(eventId, join(eventId, 1).get("token").asText());
        JsonNode families = api.get("/api/v1/cache/stats").json().get("keys_breakdown");
        for (String family : List.of("waiting_room:config", "waiting_room:status", "waiting_room:queue", "waiting_room:places",
                "waiting_room:active")) {
            assertTrue(families.path(family).asLong() >= 1, family + " in " + families);
        }
    }

    @Test
    void theQueuePageIsServed() {
        Gateway.Reply reply = api.get("/events/1/queue?user_id=1");
        assertEquals(200, reply.status());
        assertTrue(reply.header("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(reply.body().contains("<title>Waiting room"));
    }
}
