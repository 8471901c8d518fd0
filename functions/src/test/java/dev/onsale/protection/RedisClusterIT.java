package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.testing.RedisServers;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same guards, unchanged, on a Redis Cluster of three masters (started here from the redis-server
 * binary the local stack uses), through {@code platform.Redis} in cluster mode: each subject's script
 * runs on the node that owns its hash slot, the user's and the address's on different nodes.
 */
class RedisClusterIT {
    private static final String SEAT_MAP = "GET /api/v1/events/{event_id}/seats";
    private static RedisServers cluster;
    private static Redis redis;

    @BeforeAll
    static void startCluster() {
        assumeTrue(RedisServers.executable().isPresent(),
                "no redis-server binary (neither on the PATH nor from embedded-redis): Redis Cluster test skipped");
        cluster = RedisServers.cluster(3);
        redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", cluster.port(), false, true, Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stopCluster() {
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Which of the three masters owns {@code key} (they split the slots in thirds, in order). */
    private static int node(String key) {
        return SlotHash.getSlot(key) * 3 / 16_384;
    }

    private static Guard.Request request(String route, String user, String ip) {
        return new Guard.Request(route, Optional.of(user), ip, Map.of(), Map.of(), Map.of());
    }

    @Test
    void seatMapLimitsAndRulesRunOnTheNodesOwningTheirSlots() {
        Guards guards = new Guards(redis, Duration.ofSeconds(1), new TestSettings().protection().seatMap());
        Set<Integer> userNodes = new HashSet<>();
        for (int u = 0; u < 6; u++) {
            String user = "cluster-fan-" + u;
            String ip = "203.0.113." + u;
            SubjectGuard userGuard = (SubjectGuard) new TestSettings().protection().seatMap().getFirst();
            String[] keys = userGuard.keys(user);
            assertEquals(1, Arrays.stream(keys).map(SlotHash::getSlot).distinct().count(), "one slot for " + Arrays.toString(keys));
            userNodes.add(node(keys[0]));

            for (int i = 1; i <= 20; i++) {
                var pass = assertInstanceOf(Guard.Verdict.Pass.class, guards.check(request(SEAT_MAP, user, ip)));
                assertTrue(pass.headers().get("ratelimit").startsWith("\"seatmap\";r=" + (20 - i) + ";"), pass.headers().toString());
            }
            ApiResponse limited = assertInstanceOf(Guard.Verdict.Refuse.class, guards.check(request(SEAT_MAP, user, ip))).response();
            assertEquals(Optional.of("rate_limit_exceeded"), limited.error());
            assertEquals("3", limited.headers().get("retry-after"));
            assertEquals(1L, redis.sync().exists("LIMITER:user:{" + user + "}:seatmap"));
            assertEquals(1L, redis.sync().exists("LIMITER:ip:{" + ip + "}:seatmap"));
        }
        assertTrue(userNodes.size() >= 2, "the users' slots should span nodes: " + userNodes);
    }

    @Test
    void botRulesAndFailedHoldsWorkOnACluster() {
        TestSettings settings = TestSettings.rulesOnly();
        settings.failedHolds = 1;
        settings.coolingOff = Duration.ofSeconds(30);
        settings.longestCoolingOff = Duration.ofSeconds(60);
        Guards guards = new Guards(redis, Duration.ofSeconds(1), settings.protection().createBooking(CreateBookingHandler::isFailedHold));
        for (int u = 0; u < 4; u++) {
            Guard.Request hold = request("POST /api/v1/bookings", "cluster-booker-" + u, "203.0.113.50");
            for (int i = 0; i < 2; i++) {
                assertInstanceOf(Guard.Verdict.Pass.class, guards.check(hold));
                guards.afterAnswer(hold, ApiResponse.error(409, "seats_unavailable", "taken"));
            }
            ApiResponse blocked = assertInstanceOf(Guard.Verdict.Refuse.class, guards.check(hold)).response();
            assertEquals(Optional.of("cooling_off"), blocked.error());
            assertEquals("30", blocked.headers().get("retry-after"));
            assertEquals("failed_holds", redis.sync().get("antibot:block:user:{cluster-booker-" + u + "}"));
        }
    }
}
