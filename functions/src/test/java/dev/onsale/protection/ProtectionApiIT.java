package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Surge protection through the local gateway with the template's real settings (seat map 20 a minute
 * per user, 600 per address; seat-check rule over 30 a minute). Each test has its own users, and those
 * that spend an address's quota their own loopback address.
 */
@ExtendWith(EmbeddedStack.class)
class ProtectionApiIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000);
    private final LocalStack stack;
    private final Gateway api;
    private final Redis redis;

    ProtectionApiIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
        this.redis = Redis.dedicated(EmbeddedStack.config("GetSeatMapFunction").redis());
    }

    @AfterEach
    void close() {
        redis.close();
    }

    static String newUser() {
        return "fan" + USERS.incrementAndGet();
    }

    private long newEvent() {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert("Surge", 1));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    private static String seats(long eventId, String user) {
        return "/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + user;
    }

    @Test
    void twentyFiveRapidSeatMapRequestsLetTheConfiguredTwentyThrough() {
        long eventId = newEvent();
        String user = newUser();
        Gateway fan = new Gateway(stack.gatewayUrl(), "127.0.0.21");
        for (int i = 1; i <= 25; i++) {
            Gateway.Reply reply = fan.get(seats(eventId, user));
            assertEquals("\"seatmap\";q=20;w=60, \"seatmap-ip\";q=600;w=60", reply.header("ratelimit-policy").orElseThrow());
            String limits = reply.header("ratelimit").orElseThrow();
            if (i <= 20) {
                assertEquals(200, reply.status(), "request " + i + ": " + reply.body());
                assertEquals(eventId, reply.json().get("event_id").asLong());
                assertTrue(limits.startsWith("\"seatmap\";r=" + (20 - i) + ";t="), limits);
                assertTrue(limits.contains("\"seatmap-ip\";r="), limits);
                assertTrue(reply.header("retry-after").isEmpty());
            } else {
                assertEquals(429, reply.status(), "request " + i + ": " + reply.body());
                assertEquals("rate_limit_exceeded", reply.json().get("error").asText());
                // 20 per 60 s is one request every 3 s once the burst is spent
                assertEquals("3", reply.header("retry-after").orElseThrow());
                assertTrue(limits.matches("\"seatmap\";r=0;t=(59|60), \"seatmap-ip\";r=\\d+;t=\\d+"), limits);
            }
        }
        // The old system's Redis keys, hash-tagged: redis-cli --scan --pattern 'LIMITER:*' shows them.
        assertTrue(redis.sync().pttl("LIMITER:user:{" + user + "}:seatmap") > 57_000);
        assertTrue(redis.sync().pttl("LIMITER:ip:{127.0.0.21}:seatmap") > 0);
        assertEquals("25", redis.sync().get("antibot:seat_check:minute:user:{" + user + "}"));
        assertEquals("25", redis.sync().get("antibot:seat_check:hour:user:{" + user + "}"));
    }
}
