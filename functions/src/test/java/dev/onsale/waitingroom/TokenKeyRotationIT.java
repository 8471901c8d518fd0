package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rotating the token keys on the running stack, as Secrets Manager does (its RotateSecret: the rotation function's four
 * steps): the warm functions read the new keys within their refresh age, sign with the new key, and still take the
 * tokens of the one before; after the next rotation those are refused as signed with a key rotated out.
 */
@ExtendWith(EmbeddedStack.class)
class TokenKeyRotationIT {
    private final LocalStack stack;
    private final Gateway api;
    private final String fans = "rot" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final AtomicInteger nextFan = new AtomicInteger();

    TokenKeyRotationIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl(), "127.0.0.74");
    }

    private static String room(long eventId, String action) {
        return "/api/v1/events/" + eventId + "/waiting-room/" + action;
    }

    /** {@code fan} joins: the answer, with the queue token. */
    private JsonNode join(long eventId, String fan) {
        Gateway.Reply reply = api.post(room(eventId, "join") + "?user_id=" + fan, "");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private Gateway.Reply status(long eventId, String queueToken) {
        return api.get(room(eventId, "status") + "?token=" + URLEncoder.encode(queueToken, StandardCharsets.UTF_8));
    }

    private Gateway.Reply seatMap(long eventId, String fan, String accessToken) {
        return api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + fan,
                AdmissionGuard.TOKEN_HEADER, accessToken);
    }

    /** Rotates, then waits until a new fan's queue token names the new key: the functions have read it. */
    private long rotate(long eventId, long kidBefore) throws InterruptedException {
        stack.rotateSecret("WaitingRoomSecret");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            long kid = kid(join(eventId, fans + nextFan.incrementAndGet()).get("token").asText());
            if (kid != kidBefore) {
                assertEquals(kidBefore + 1, kid, "the next key signs");
                return kid;
            }
            assertTrue(System.nanoTime() < deadline, "the rotation did not reach the join function within 15 s");
            Thread.sleep(200);
        }
    }

    private static long kid(String token) {
        return AdmissionTokens.kidOf(token).orElseThrow(() -> new AssertionError("not a waiting-room token: " + token));
    }

    @Test
    void tokensOfThePreviousKeyWorkUntilTheNextRotationRefusesThem() throws InterruptedException {
        long eventId = api.post("/api/v1/events", Events.concert("Rotation", 1)).json().get("id").asLong();
        assertEquals(200, api.post(room(eventId, "enable") + "?max_concurrent=50&session_duration=600", "").status());
        String early = fans + "early";
        String queueToken = join(eventId, early).get("token").asText();
        JsonNode admitted = status(eventId, queueToken).json();
        assertEquals("admitted", admitted.get("status").asText(), admitted.toString());
        String accessToken = admitted.get("access_token").asText();
        long first = kid(queueToken);
        assertEquals(first, kid(accessToken));

        // one rotation: new tokens name the new key, and the early fan's tokens (the previous key) still work
        long second = rotate(eventId, first);
        assertEquals(200, status(eventId, queueToken).status(), "a queue token of the previous key checks in");
        Gateway.Reply map = seatMap(eventId, early, accessToken);
        assertEquals(200, map.status(), map.body());
        String later = fans + "later";
        String laterToken = join(eventId, later).get("token").asText();
        assertEquals(second, kid(laterToken));
        JsonNode laterAdmitted = status(eventId, laterToken).json();
        assertEquals(second, kid(laterAdmitted.get("access_token").asText()), "the status function signs with the new key too");
        assertEquals(200, seatMap(eventId, later, laterAdmitted.get("access_token").asText()).status(),
                "the seat map function takes the new key's tokens");

        // the next rotation: the first key is out; the second, now the previous one, still verifies
        assertEquals(second + 1, rotate(eventId, second));
        Gateway.Reply refused = status(eventId, queueToken);
        assertEquals(401, refused.status(), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("signed with a key that has since been rotated out"), refused.body());
        Gateway.Reply shut = seatMap(eventId, early, accessToken);
        assertEquals(403, shut.status(), shut.body());
        assertEquals("waiting_room_required", shut.json().get("error").asText());
        assertTrue(shut.json().get("detail").asText().contains("rotated out"), shut.body());
        assertEquals(200, status(eventId, laterToken).status(), "a token of the previous key still checks in");

        // joining again gives the early fan its place back, signed with the current key
        JsonNode rejoined = join(eventId, early);
        assertEquals(second + 1, kid(rejoined.get("token").asText()));
        assertEquals(200, status(eventId, rejoined.get("token").asText()).status());
    }
}
