package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Metrics;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the stack's redis-server stopped, each route follows its declared policy and none answers 500:
 * browsing fails open (logged and counted), booking fails closed with 503 and Retry-After. Once Redis is
 * back, Lettuce reconnects by itself and the guards count again.
 */
@ExtendWith(EmbeddedStack.class)
class RedisOutageIT {
    private final LocalStack stack;
    private final Gateway api;

    RedisOutageIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    private static String user(String name) {
        return name + "-" + System.nanoTime();
    }

    @Test
    void withRedisDownBrowsingFailsOpenAndBookingFailsClosed() throws InterruptedException {
        long eventId = api.post("/api/v1/events", Events.concert("Outage", 1)).json().get("id").asLong();
        String holder = user("holder");
        Gateway.Reply held = api.post("/api/v1/bookings?user_id=" + holder, "{\"event_id\": " + eventId + ", \"seat_ids\": [1]}");
        assertEquals(201, held.status(), held.body());
        long bookingId = held.json().get("id").asLong();
        long failedOpen = Metrics.total("GuardsFailedOpen");
        long failedClosed = Metrics.total("GuardsFailedClosed");

        stack.stopRedis();
        try {
            Gateway.Reply map = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + user("browser"));
            assertEquals(200, map.status(), map.body());
            assertEquals(eventId, map.json().get("event_id").asLong());
            assertTrue(map.header("ratelimit").isEmpty(), "nothing was counted, so nothing to report");
            assertEquals("\"seatmap\";q=20;w=60, \"seatmap-ip\";q=600;w=60", map.header("ratelimit-policy").orElseThrow());
            assertTrue(Metrics.total("GuardsFailedOpen") > failedOpen, "failing open is counted");

            Gateway.Reply hold = api.post("/api/v1/bookings?user_id=" + user("buyer"), "{\"event_id\": " + eventId + ", \"seat_ids\": [2]}");
            assertEquals(503, hold.status(), hold.body());
            assertEquals("service_unavailable", hold.json().get("error").asText());
            assertEquals("1", hold.header("retry-after").orElseThrow());
            for (String change : new String[] {"confirm", "cancel"}) {
                Gateway.Reply reply = api.post("/api/v1/bookings/" + bookingId + "/" + change + "?user_id=" + holder, "");
                assertEquals(503, reply.status(), change + ": " + reply.body());
                assertEquals("1", reply.header("retry-after").orElseThrow());
            }
            assertTrue(Metrics.total("GuardsFailedClosed") >= failedClosed + 3);
        } finally {
            stack.startRedis();
        }

        // Lettuce reconnects on its own; the guards count again (and re-send their scripts to the empty server).
        String browser = user("back");
        long deadline = System.nanoTime() + 15_000_000_000L;
        Gateway.Reply map;
        do {
            Thread.sleep(100);
            map = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + browser);
        } while (map.header("ratelimit").isEmpty() && System.nanoTime() < deadline);
        assertEquals(200, map.status());
        assertTrue(map.header("ratelimit").orElse("").startsWith("\"seatmap\";r="), "the guards count again after the outage");
        Gateway.Reply confirmed = api.post("/api/v1/bookings/" + bookingId + "/confirm?user_id=" + holder, "");
        assertEquals(200, confirmed.status(), confirmed.body());
    }
}
