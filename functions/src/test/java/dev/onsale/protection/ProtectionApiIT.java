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

    @Test
    void theLimitRecoversAfterRetryAfter() throws InterruptedException {
        long eventId = newEvent();
        String user = newUser();
        Gateway fan = new Gateway(stack.gatewayUrl(), "127.0.0.22");
        for (int i = 0; i < 20; i++) {
            assertEquals(200, fan.get(seats(eventId, user)).status());
        }
        Gateway.Reply limited = fan.get(seats(eventId, user));
        assertEquals(429, limited.status());
        long retryAfter = Long.parseLong(limited.header("retry-after").orElseThrow());

        Thread.sleep(retryAfter * 1_000);
        Gateway.Reply again = fan.get(seats(eventId, user));
        assertEquals(200, again.status(), again.body());
        assertTrue(again.header("ratelimit").orElseThrow().startsWith("\"seatmap\";r=0;"));
        assertEquals(429, fan.get(seats(eventId, user)).status(), "one interval's worth came back, not a new window");
    }

    @Test
    void thePerAddressLimitHoldsAcrossManyUsersBehindOneAddress() throws Exception {
        long eventId = newEvent();
        Gateway natted = new Gateway(stack.gatewayUrl(), "127.0.0.23");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            users.add(newUser());
        }
        // 30 fans x 20 requests: each fan within its own limit, the address at exactly its 600
        List<Future<Integer>> statuses = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (String user : users) {
                statuses.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20; i++) {
                        ok += natted.get(seats(eventId, user)).status() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> ok : statuses) {
                assertEquals(20, ok.get());
            }
        }
        // The quota refills at 10 a second meanwhile: fresh fans get through only at that pace.
        int laterOk = 0;
        String latecomer = newUser();
        Gateway.Reply refused = natted.get(seats(eventId, latecomer));
        while (refused.status() == 200 && laterOk < 200) {
            laterOk++;
            latecomer = newUser();
            refused = natted.get(seats(eventId, latecomer));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(laterOk <= seconds * 10 + 1, laterOk + " more than the 600 got through in " + seconds + " s");
        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limit_exceeded", refused.json().get("error").asText());
        assertTrue(refused.json().get("detail").asText().contains("seatmap-ip"), refused.body());
        // the user's script ran in its own slot and spent one of the user's 20; the address has none left
        assertTrue(refused.header("ratelimit").orElseThrow().matches("\"seatmap\";r=19;t=3, \"seatmap-ip\";r=0;t=\\d+"),
                refused.header("ratelimit").orElseThrow());
        assertEquals("1", refused.header("retry-after").orElseThrow(), "600 a minute is one every 100 ms");

        Gateway elsewhere = new Gateway(stack.gatewayUrl(), "127.0.0.24");
        assertEquals(200, elsewhere.get(seats(eventId, latecomer)).status(), "another address has its own quota");
    }

    @Test
    void probingTheSeatMapTripsTheSeatCheckRuleAndBlocksTheUser() {
        long eventId = newEvent();
        String user = newUser();
        Gateway fan = new Gateway(stack.gatewayUrl(), "127.0.0.25");
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            Gateway.Reply reply = fan.get(seats(eventId, user));
            ok += reply.status() == 200 ? 1 : 0;
            limited += reply.status() == 429 && reply.body().contains("rate_limit_exceeded") ? 1 : 0;
        }
        assertEquals(20, ok);
        assertEquals(10, limited, "a client that ignores 429s keeps counting");

        Gateway.Reply tripped = fan.get(seats(eventId, user)); // the 31st check within the minute
        assertEquals(429, tripped.status());
        assertEquals("cooling_off", tripped.json().get("error").asText());
        assertEquals("Too many seat checks. Please slow down.", tripped.json().get("detail").asText());
        assertEquals("60", tripped.header("retry-after").orElseThrow());
        assertEquals("seat_check", redis.sync().get("antibot:block:user:{" + user + "}"));
        assertEquals("1", redis.sync().get("antibot:strikes:user:{" + user + "}"));

        Gateway.Reply stillBlocked = fan.get(seats(eventId, user));
        assertEquals("cooling_off", stillBlocked.json().get("error").asText());
        Gateway.Reply hold = fan.post("/api/v1/bookings?user_id=" + user, "{\"event_id\": " + eventId + ", \"seat_ids\": [1]}");
        assertEquals(429, hold.status(), "the block holds on every route with bot rules");
        assertEquals("Too many seat checks. Please slow down.", hold.json().get("detail").asText());
    }
}
