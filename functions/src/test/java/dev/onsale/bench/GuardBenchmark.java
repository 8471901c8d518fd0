package dev.onsale.bench;

import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.http.Guard;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Redis;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.testing.RedisServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guard decisions per second from one process, through the production path ({@link Guards#check}: the
 * route's scripts by SHA, pipelined on one shared Lettuce connection), against a redis-server of its own
 * (the binary the local stack runs), with the template's settings. A decision is one request's verdict
 * from all of its route's guards: for the seat map two scripts (the user's slot and the address's).
 * Fans are many (each stays under its limits, so every decision runs the whole script); callers are
 * virtual threads, each waiting for its decision like a Lambda invocation does. It reports request
 * decisions (a route's verdict) and guard decisions (each guard's, one script each) per second.
 *
 * <pre>scripts/bench guards [route=seatmap|booking] [callers=256] [decisions=300000]</pre>
 */
public final class GuardBenchmark {
    public static void main(String[] args) throws Exception {
        Figures.start("guards");
        String route = args.length > 0 ? args[0] : "seatmap";
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int decisions = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        Config config = Config.from(Map.<String, String>of()::get); // the template's defaults
        SurgeProtection protection = SurgeProtection.of(config);
        List<Guard> guards = switch (route) {
            case "seatmap" -> protection.seatMap();
            case "booking" -> protection.createBooking(CreateBookingHandler::isFailedHold);
            default -> throw new IllegalArgumentException("route: seatmap or booking");
        };
        int fans = Math.max(1_000, decisions / 8);

        try (RedisServers server = RedisServers.standalone()) {
            Redis redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", server.port(), false, false,
                    config.redis().timeout()));
            Guards runner = new Guards(redis, config.protection().guardTimeout(), guards);
            run(runner, route, callers, Math.min(decisions, 50_000), fans, "warm-up"); // JIT, scripts loaded
            long unavailable = Metrics.total("GuardsFailedOpen") + Metrics.total("GuardsFailedClosed");
            Result result = run(runner, route, callers, decisions, fans, "measured");
            long failed = Metrics.total("GuardsFailedOpen") + Metrics.total("GuardsFailedClosed") - unavailable;
            Figures.OUT.printf("guards %s: %d requests in %.2f s with %d callers = %.0f request decisions/s = %.0f guard decisions/s"
                            + " (%d guards, one script each, per request; %d passed, %d refused, %d Redis timeouts)%n",
                    route, decisions, result.seconds, callers, decisions / result.seconds, decisions * guards.size() / result.seconds,
                    guards.size(), result.passed, decisions - result.passed, failed);
            Figures.OUT.printf("request decision latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    result.latencies.percentileMillis(50), result.latencies.percentileMillis(99), result.latencies.percentileMillis(100));
            redis.close();
        }
        System.exit(0); // Lettuce's event loops are not daemons
    }

    private record Result(double seconds, int passed, Latencies latencies) {
    }

    private static Result run(Guards runner, String route, int callers, int decisions, int fans, String phase) throws Exception {
        Latencies latencies = new Latencies();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger passed = new AtomicInteger();
        long salt = System.nanoTime();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < decisions; i = next.getAndIncrement()) {
                        int fan = i % fans;
                        Guard.Request request = new Guard.Request(route, Optional.of(phase + salt + "-" + fan),
                                "10." + (fan >> 16 & 255) + "." + (fan >> 8 & 255) + "." + (fan & 255), Map.of(), Map.of(), Map.of());
                        long began = System.nanoTime();
                        Guard.Verdict verdict = runner.check(request);
                        latencies.record(System.nanoTime() - began);
                        if (verdict instanceof Guard.Verdict.Pass) {
                            passed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                caller.get();
            }
        }
        return new Result((System.nanoTime() - start) / 1e9, passed.get(), latencies);
    }
}
