package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The waiting room's join and status routes under their guards, through the local gateway with the template's
 * settings (join 10 a minute per user and 60 per 10 s per address; check-ins one a second per place, three at
 * once, and 200 per 10 s per address). Each test has its own events, fans and loopback addresses.
 */
@ExtendWith(EmbeddedStack.class)
class WaitingRoomGuardsIT {
    private static final String JOIN_POLICY = "\"waiting_room_join\";q=10;w=60, \"waiting_room_join-ip\";q=60;w=10";
    private static final String STATUS_POLICY = "\"waiting_room_status\";q=3;w=3, \"waiting_room_status-ip\";q=200;w=10";
    private final LocalStack stack;
    private final Gateway api;
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final String fans = "g" + UUID.randomUUID().toString().substring(0, 8) + "-";

    WaitingRoomGuardsIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl(), "127.0.0.60");
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private String fan(int n) {
        return fans + n;
    }

    /**
     * A room of its own whose {@code sessions} sessions (of 300 s) went to fans admitted at once, so everyone who joins
     * after them stays queued, at an estimated wait of 300 s / {@code sessions} for the first of them.
     */
    private long fullRoom(int sessions) {
        long eventId = Rooms.newEvent(api);
        Gateway.Reply enabled = api.post(room(eventId, "enable") + "?max_concurrent=" + sessions + "&session_duration=300", "");
        assertEquals(200, enabled.status(), enabled.body());
        String first = join(api, eventId, "in-" + fan(0)).json().get("token").asText();
        for (int i = 1; i < sessions; i++) {
            assertEquals(200, join(api, eventId, "in-" + fan(i)).status());
        }
        assertTrue(status(api, eventId, first).json().get("admitted").asBoolean());
        var stats = Rooms.service(redis, java.time.Duration.ofSeconds(30)).stats(eventId);
        assertEquals(0, stats.slotsAvailable(), "one check-in calls as many as there are free slots: " + stats);
        assertEquals(0, stats.queueSize(), stats.toString());
        return eventId;
    }

    private static String room(long eventId, String action) {
        return "/api/v1/events/" + eventId + "/waiting-room/" + action;
    }

    private static Gateway.Reply join(Gateway from, long eventId, String user) {
        return from.post(room(eventId, "join") + "?user_id=" + user, "");
    }

    private static Gateway.Reply status(Gateway from, long eventId, String token) {
        return from.get(room(eventId, "status") + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /**
     * A flood's request that was not served: over a limit, or (on a loaded machine) answered 503 because the guards
     * got no answer from Redis in time, which these routes fail closed on. Either way not served; answers the 503s.
     */
    private static int assertRefused(Gateway.Reply reply, String... policies) {
        if (reply.status() == 503) {
            assertEquals("service_unavailable", reply.json().get("error").asText(), reply.body());
            assertTrue(reply.header("retry-after").isPresent());
            return 1;
        }
        String policy = java.util.Arrays.stream(policies).filter(p -> reply.body().contains("(" + p + ")")).findFirst().orElse(policies[0]);
        assertRateLimited(reply, policy);
        return 0;
    }

    private static void assertRateLimited(Gateway.Reply reply, String policy) {
        assertEquals(429, reply.status(), reply.body());
        assertEquals("rate_limit_exceeded", reply.json().get("error").asText());
        assertTrue(reply.json().get("detail").asText().contains("(" + policy + ")"), reply.body());
        assertTrue(Long.parseLong(reply.header("retry-after").orElseThrow()) >= 1, "Retry-After in whole seconds");
        assertTrue(reply.header("ratelimit-policy").isPresent() && reply.header("ratelimit").isPresent(), reply.headers().toString());
    }

    @Test
    void aBurstOfPlacesFromOneAddressIsMostlyRefused() throws Exception {
        long eventId = Rooms.newEvent(api);
        assertEquals(200, api.post(room(eventId, "enable") + "?max_concurrent=10", "").status());
        Gateway attacker = new Gateway(stack.gatewayUrl(), "127.0.0.61");
        // the measured attack: 300 places from one address in under a second
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        long began;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 300; i++) {
                String user = fan(i);
                replies.add(pool.submit(() -> {
                    start.await();
                    return join(attacker, eventId, user);
                }));
            }
            began = System.nanoTime();
            start.countDown();
            int placed = 0;
            int unavailable = 0;
            for (Future<Gateway.Reply> future : replies) {
                Gateway.Reply reply = future.get();
                assertEquals(JOIN_POLICY, reply.header("ratelimit-policy").orElseThrow());
                if (reply.status() == 200) {
                    placed++;
                } else {
                    unavailable += assertRefused(reply, "waiting_room_join-ip");
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            // 60 at once, then 6 a second
            assertTrue(placed + unavailable >= 60 && placed <= 60 + seconds * 6 + 1,
                    placed + " places in " + seconds + " s (" + unavailable + " answered 503)");
            assertTrue(300 - placed >= 200, "most refused: " + (300 - placed));
            assertEquals(placed, Rooms.service(redis, java.time.Duration.ofSeconds(30)).stats(eventId).queueSize(),
                    "a refused join took no place");
        }
        Gateway neighbour = new Gateway(stack.gatewayUrl(), "127.0.0.62");
        assertEquals(200, join(neighbour, eventId, fan(1_000)).status(), "another address has its own quota");
    }

    @Test
    void oneFanJoiningAgainAndAgainIsRefusedPastTheirQuota() {
        long eventId = Rooms.newEvent(api);
        String token = null;
        for (int i = 1; i <= 10; i++) {
            Gateway.Reply reply = join(api, eventId, fan(1));
            assertEquals(200, reply.status(), "join " + i + ": " + reply.body());
            assertEquals(JOIN_POLICY, reply.header("ratelimit-policy").orElseThrow());
            assertTrue(reply.header("ratelimit").orElseThrow().startsWith("\"waiting_room_join\";r=" + (10 - i) + ";"),
                    reply.header("ratelimit").orElseThrow());
            token = token == null ? reply.json().get("token").asText() : token;
            assertEquals(token, reply.json().get("token").asText(), "the same place every time");
        }
        Gateway.Reply refused = join(api, eventId, fan(1));
        assertRateLimited(refused, "waiting_room_join");
        assertEquals("6", refused.header("retry-after").orElseThrow(), "10 a minute is one every 6 s");
    }

    @Test
    void checkingInFasterThanAskedIsRefusedWithRetryAfter() {
        long eventId = fullRoom(1);
        String token = join(api, eventId, fan(1)).json().get("token").asText();
        int ok = 0;
        Gateway.Reply last = null;
        for (int i = 0; i < 10; i++) {
            last = status(api, eventId, token);
            assertEquals(STATUS_POLICY, last.header("ratelimit-policy").orElseThrow());
            if (last.status() == 200) {
                ok++;
                assertEquals("queued", last.json().get("status").asText());
            } else {
                assertRateLimited(last, "waiting_room_status");
            }
        }
        assertEquals(3, ok, "three check-ins may come sooner than asked, no more");
        assertEquals("1", last.header("retry-after").orElseThrow(), "the next is due within a second");
        assertEquals(0, redis.sync().exists("LIMITER:user:{" + fan(1) + ":" + eventId + "}:waiting_room_status"),
                "counted per place in the instance's memory: a poll costs Redis nothing, its limit included");
        String other = join(api, eventId, fan(2)).json().get("token").asText();
        assertEquals(200, status(api, eventId, other).status(), "another place has its own quota");
    }

    @Test
    void sixHundredCheckInsInASecondAreRefusedPerPlaceAndPerAddress() throws Exception {
        long eventId = fullRoom(1);
        // one place, polled as fast as a script can
        String token = join(api, eventId, fan(1)).json().get("token").asText();
        Gateway flooder = new Gateway(stack.gatewayUrl(), "127.0.0.63");
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        long flooded = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 600; i++) {
                replies.add(pool.submit(() -> status(flooder, eventId, token)));
            }
            int ok = 0;
            for (Future<Gateway.Reply> reply : replies) {
                ok += reply.get().status() == 200 ? 1 : 0;
                if (reply.get().status() != 200) {
                    assertRefused(reply.get(), "waiting_room_status", "waiting_room_status-ip");
                }
            }
            double seconds = (System.nanoTime() - flooded) / 1e9;
            // three at once, then one a second
            assertTrue(ok >= 3 && ok <= 3 + seconds + 1, ok + " of 600 check-ins on one place served in " + seconds + " s");
        }

        // 300 places (joined from addresses of their own), each checked in on twice, all from one address
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Gateway home = new Gateway(stack.gatewayUrl(), "127.0.1." + (1 + i / 30));
            Gateway.Reply joined = join(home, eventId, fan(100 + i));
            assertEquals(200, joined.status(), joined.body());
            tokens.add(joined.json().get("token").asText());
        }
        Gateway shared = new Gateway(stack.gatewayUrl(), "127.0.0.64");
        replies.clear();
        long began = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 600; i++) {
                String place = tokens.get(i % 300);
                replies.add(pool.submit(() -> status(shared, eventId, place)));
            }
            int ok = 0;
            int unavailable = 0;
            for (Future<Gateway.Reply> future : replies) {
                Gateway.Reply reply = future.get();
                if (reply.status() == 200) {
                    ok++;
                } else {
                    unavailable += assertRefused(reply, "waiting_room_status-ip");
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            // 200 at once, then 20 a second
            assertTrue(ok + unavailable >= 200 && ok <= 200 + seconds * 20 + 1,
                    ok + " of 600 served in " + seconds + " s (" + unavailable + " answered 503)");
        }
    }

    @Test
    void checkingInAtTheAskedPaceIsNeverRefused() throws InterruptedException {
        // 20 sessions of 300 s just began: the next fan's wait is 300 / 20 = 15 s, so it is asked to check in every second
        long first = fullRoom(20);
        long second = fullRoom(20);
        String inFirst = join(api, first, fan(1)).json().get("token").asText();
        String inSecond = join(api, second, fan(1)).json().get("token").asText();
        int askedOneSecond = 0;
        long pace = 1;
        for (int i = 0; i < 8; i++) {
            // as a browser's timer would: the asked pace, a little early or late
            Thread.sleep(pace * 1_000 + ThreadLocalRandom.current().nextLong(-300, 301));
            Gateway.Reply one = status(api, first, inFirst);
            Gateway.Reply other = status(api, second, inSecond);
            for (Gateway.Reply reply : List.of(one, other)) {
                assertEquals(200, reply.status(), "check-in " + i + ": " + reply.body());
                assertTrue(reply.header("ratelimit").orElseThrow().startsWith("\"waiting_room_status\";r="), reply.headers().toString());
            }
            JsonNode answer = one.json();
            assertEquals("queued", answer.get("status").asText(), answer.toString());
            pace = answer.get("poll_after_seconds").asLong();
            askedOneSecond += pace == 1 ? 1 : 0;
        }
        assertTrue(askedOneSecond >= 4, "the test checks the fastest pace the room asks for: " + askedOneSecond + " of 8");
    }

    @Test
    void withoutAUsableCallerJoinAndStatusAre401() {
        long eventId = fullRoom(1);
        Gateway.Reply join = api.post(room(eventId, "join"), "");
        assertEquals(401, join.status(), join.body());
        assertEquals("unauthorized", join.json().get("error").asText());
        assertEquals(401, api.post(room(eventId, "join") + "?user_id=", "").status(), "an empty user is no user");
        String token = join(api, eventId, fan(1)).json().get("token").asText();
        String forged = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
        for (String path : List.of(room(eventId, "status"), room(eventId, "status") + "?token=",
                room(eventId, "status") + "?token=" + forged, room(Rooms.newEventId(), "status") + "?token=" + token)) {
            Gateway.Reply reply = api.get(path);
            assertEquals(401, reply.status(), path + ": " + reply.body());
            assertEquals("unauthorized", reply.json().get("error").asText());
            assertTrue(reply.header("ratelimit-policy").orElseThrow().contains("waiting_room_status-ip"), "the address was counted");
        }
        assertEquals(1, Rooms.service(redis, java.time.Duration.ofSeconds(30)).stats(eventId).queueSize(), "no place was taken but fan 1's");
    }
}
