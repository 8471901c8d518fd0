package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.http.Guard;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Redis;
import dev.onsale.testing.RedisServers;
import dev.onsale.testing.RedisWireProxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The guards' policies when Redis cannot be reached at all, or answers later than the guard timeout. */
class SlowOrUnreachableRedisIT {
    private static final Guard.Request REQUEST =
            new Guard.Request("test route", Optional.of("slow-1"), "198.51.100.77", Map.of(), Map.of(), Map.of());

    private static void assertPolicies(Redis redis, Duration timeout) {
        SurgeProtection protection = new TestSettings().protection();
        long open = Metrics.total("GuardsFailedOpen");
        long closed = Metrics.total("GuardsFailedClosed");

        long began = System.nanoTime();
        var browse = assertInstanceOf(Guard.Verdict.Pass.class, new Guards(redis, timeout, protection.seatMap()).check(REQUEST));
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertFalse(browse.headers().containsKey("ratelimit"));
        assertEquals(open + 1, Metrics.total("GuardsFailedOpen"), "failing open is counted");

        var hold = assertInstanceOf(Guard.Verdict.Refuse.class,
                new Guards(redis, timeout, protection.createBooking(CreateBookingHandler::isFailedHold)).check(REQUEST));
        assertEquals(503, hold.response().status());
        assertEquals("1", hold.response().headers().get("retry-after"));
        assertEquals(closed + 1, Metrics.total("GuardsFailedClosed"));
        assertTrue(tookMillis < timeout.toMillis() + 400, "decided in " + tookMillis + " ms");
    }

    @Test
    void anUnreachableRedisGetsEachRoutesPolicy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Redis redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", closedPort, false, false, Duration.ofMillis(200)));
        assertPolicies(redis, Duration.ofMillis(200));
    }

    @Test
    void aRedisSlowerThanTheGuardTimeoutGetsEachRoutesPolicy() throws Exception {
        assumeTrue(RedisServers.executable().isPresent(), "no redis-server binary: slow-Redis test skipped");
        try (RedisServers server = RedisServers.standalone();
             RedisWireProxy slow = new RedisWireProxy(server.port(), Duration.ofMillis(400))) {
            Redis redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", slow.port(), false, false, Duration.ofSeconds(2)));
            try {
                redis.sync().ping(); // connected: Redis is there, only slow
                assertPolicies(redis, Duration.ofMillis(50));
            } finally {
                redis.close();
            }
        }
    }
}
