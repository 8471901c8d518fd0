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
import dev.onsale.testing.RedisWireProxy;
import dev.onsale.testing.RedisServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a guarded request costs Redis, on a redis-server of this test's own (so nothing else's commands
 * mix in): the commands the client puts on the wire (counted by a proxy that parses them) and the
 * script calls the server ran ({@code INFO commandstats}). One script call per hash slot, nothing
 * else, and all of them within one round trip.
 */
class GuardRoundTripIT {
    private RedisServers server;
    private RedisWireProxy wire;
    private Redis redis;
    private int users;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServers.executable().isPresent(), "no redis-server binary: round-trip test skipped");
        server = RedisServers.standalone();
        wire = new RedisWireProxy(server.port(), Duration.ZERO);
        redis = Redis.dedicated(settings(wire.port()));
    }

    @AfterEach
    void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (wire != null) {
            wire.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Config.RedisSettings settings(int port) {
        return new Config.RedisSettings("127.0.0.1", port, false, false, Duration.ofSeconds(2));
    }

    private Guard.Request nextRequest(String route) {
        return new Guard.Request(route, Optional.of("rt-" + ++users), "198.51.100.9", Map.of(), Map.of(), Map.of());
    }

    /** Script calls the server ran since the last reset (commandstats also counts the commands scripts issue; those are left out). */
    private Map<String, Long> scriptCallsSinceReset() {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : redis.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_eval")) {
                long count = Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"));
                if (count > 0) {
                    calls.put(line.substring("cmdstat_".length(), line.indexOf(':')), count);
                }
            }
        }
        return calls;
    }

    private void resetCounts() {
        redis.sync().configResetstat();
        wire.reset();
    }

    /** What the client sent, and the server ran, since the last reset. */
    private void assertCost(long evalsha, String why) {
        assertEquals(evalsha == 0 ? Map.of() : Map.of("EVALSHA", evalsha), wire.commands(), why + " (on the wire)");
        assertEquals(evalsha == 0 ? Map.of() : Map.of("evalsha", evalsha), scriptCallsSinceReset(), why + " (run by the server)");
    }

    @Test
    void aGuardedRequestCostsOneScriptCallPerSlotAndNothingElse() {
        SurgeProtection protection = new TestSettings().protection();
        Guards seatMap = new Guards(redis, Duration.ofSeconds(1), protection.seatMap());
        Guards hold = new Guards(redis, Duration.ofSeconds(1), protection.createBooking(CreateBookingHandler::isFailedHold));
        Guards change = new Guards(redis, Duration.ofSeconds(1), protection.changeBooking());
        // first use: the server learns the scripts (NOSCRIPT, then EVAL once each)
        seatMap.check(nextRequest("seat map"));
        change.check(nextRequest("confirm"));
        Guard.Request first = nextRequest("hold");
        hold.check(first);
        hold.afterAnswer(first, ApiResponse.error(409, "seats_unavailable", "taken"));

        resetCounts();
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(Guard.Verdict.Pass.class, seatMap.check(nextRequest("seat map")));
        }
        assertCost(20, "seat map: the user's script and the address's script");

        resetCounts();
        for (int i = 0; i < 10; i++) {
            Guard.Request request = nextRequest("hold");
            assertInstanceOf(Guard.Verdict.Pass.class, hold.check(request));
            hold.afterAnswer(request, ApiResponse.json(201, Map.of("id", i)));
        }
        assertCost(20, "hold: two scripts, and nothing after a success");

        resetCounts();
        Guard.Request failed = nextRequest("hold");
        hold.check(failed);
        hold.afterAnswer(failed, ApiResponse.error(409, "seats_unavailable", "taken"));
        assertCost(3, "a failed hold is counted with one more call, after the answer");

        resetCounts();
        change.check(nextRequest("confirm"));
        assertCost(1, "confirm/cancel: the user's script only");
    }

    @Test
    void joiningCostsOneScriptCallPerSlotAndCheckingInNone() {
        SurgeProtection protection = new TestSettings().protection();
        Guards join = new Guards(redis, Duration.ofSeconds(1), protection.joinWaitingRoom());
        // the place is whatever the route names; here the user's own id, as a place of the one event
        Guards status = new Guards(redis, Duration.ofSeconds(1), protection.waitingRoomStatus(request -> request.userId().map(u -> u + ":1")));
        join.check(nextRequest("join"));
        status.check(nextRequest("status"));

        resetCounts();
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(Guard.Verdict.Pass.class, join.check(nextRequest("join")));
            assertInstanceOf(Guard.Verdict.Pass.class, status.check(nextRequest("status")));
        }
        assertCost(20, "join: the user's script and the address's; status: none (its limits are in the instance's memory)");

        resetCounts();
        Guard.Verdict nobody = status.check(new Guard.Request("status", Optional.empty(), "198.51.100.9", Map.of(), Map.of(), Map.of()));
        assertEquals(401, assertInstanceOf(Guard.Verdict.Refuse.class, nobody).response().status());
        assertCost(0, "a check-in naming no place: refused from memory");
    }

    @Test
    void aServerThatForgotTheScriptsIsSentThemOnce() {
        Guards seatMap = new Guards(redis, Duration.ofSeconds(1), new TestSettings().protection().seatMap());
        seatMap.check(nextRequest("seat map"));
        redis.sync().scriptFlush(); // as after a restart or a failover
        resetCounts();
        assertInstanceOf(Guard.Verdict.Pass.class, seatMap.check(nextRequest("seat map")));
        assertEquals(Map.of("EVAL", 2L, "EVALSHA", 2L), wire.commands(), "NOSCRIPT, then the script itself");
        resetCounts();
        seatMap.check(nextRequest("seat map"));
        assertCost(2, "by SHA again");
    }

    @Test
    void bothScriptsShareOneRoundTrip() throws Exception {
        Duration delay = Duration.ofMillis(150);
        try (RedisWireProxy slowPath = new RedisWireProxy(server.port(), delay)) {
            Redis far = Redis.dedicated(settings(slowPath.port()));
            try {
                Guards seatMap = new Guards(far, Duration.ofSeconds(2), new TestSettings().protection().seatMap());
                seatMap.check(nextRequest("seat map")); // connect, load scripts
                seatMap.check(nextRequest("seat map"));
                long[] millis = new long[5];
                for (int i = 0; i < millis.length; i++) {
                    long began = System.nanoTime();
                    assertInstanceOf(Guard.Verdict.Pass.class, seatMap.check(nextRequest("seat map")));
                    millis[i] = (System.nanoTime() - began) / 1_000_000;
                }
                Arrays.sort(millis);
                // two sequential round trips would take at least 300 ms
                assertTrue(millis[2] >= 150 && millis[2] < 260, "median " + millis[2] + " ms of " + List.of(Arrays.toString(millis)));
            } finally {
                far.close();
            }
        }
    }
}
