package dev.onsale.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.RequestTelemetry;
import dev.onsale.platform.Config;
import dev.onsale.platform.Log;
import dev.onsale.testing.ApiEvents;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the edge's telemetry costs a request: the seat map's request (caller, headers, query) answered with
 * a constant body, measured without telemetry, with the line and the metrics document built but thrown
 * away, and written to standard output (run it with stdout sent to a file or /dev/null). Prints ns per
 * request for each, on {@code threads} threads.
 *
 * <pre>java ... dev.onsale.bench.TelemetryBenchmark [requests=1000000] [threads=1] > /dev/null</pre>
 * (the figures go to stderr)
 */
public final class TelemetryBenchmark {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        APIGatewayV2HTTPEvent event = ApiEvents.request("GET", "/api/v1/events/{event_id}/seats", "/api/v1/events/1/seats",
                Map.of("event_id", "1"), Map.of("format", "compact"), "42", "203.0.113.9", null,
                Map.of("x-waiting-room-token", "wr1.payload.signature", "accept-encoding", "gzip", "user-agent", "bench"));
        Config.Telemetry settings = Config.Telemetry.from(Map.<String, String>of()::get);
        LongAdder bytes = new LongAdder();
        RequestTelemetry discarding = new RequestTelemetry(line -> bytes.add(line.length()), settings, System::currentTimeMillis);
        RequestTelemetry stdout = new RequestTelemetry(Log.STANDARD_OUTPUT, settings, System::currentTimeMillis);
        ApiResponse answer = ApiResponse.rawJson(200, "{\"event_id\":1}").header("x-cache", "HIT");
        ApiHandler edge = new ApiHandler(Caller.AdminRule.group("admin")) { // the real edge, telemetry to stdout, answering a constant
            @Override
            protected ApiResponse handle(ApiRequest request) {
                request.requireUser();
                return ApiResponse.rawJson(200, "{\"event_id\":1}").header("x-cache", "HIT");
            }
        };

        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up (slow when the cores are shared)
            String phase = round < 2 ? "warm-up " : "measured";
            report(phase, "no telemetry       ", requests, threads, () -> {
                ApiRequest request = new ApiRequest(event, Caller.AdminRule.group("admin"));
                return request.routeKey().length() + request.caller().userId().orElse("").length() + answer.status();
            });
            report(phase, "built, discarded   ", requests, threads, () -> {
                ApiRequest request = new ApiRequest(event, Caller.AdminRule.group("admin"));
                return request.caller().userId().orElse("").length() + discarding.begin(request, null).end(answer).status();
            });
            report(phase, "written to stdout  ", requests, threads, () -> {
                ApiRequest request = new ApiRequest(event, Caller.AdminRule.group("admin"));
                return request.caller().userId().orElse("").length() + stdout.begin(request, null).end(answer).status();
            });
            report(phase, "whole ApiHandler   ", requests, threads, () -> edge.handleRequest(event, null).getStatusCode());
        }
        System.err.printf("bytes per request (log line + metrics document): %d%n", bytes.sum() / (3L * requests));
    }

    private interface Request {
        int serve();
    }

    private static void report(String phase, String name, int requests, int threads, Request request) throws Exception {
        LongAdder cpuNanos = new LongAdder();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Future<?>[] running = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                running[t] = pool.submit(() -> {
                    long cpuStart = CPU.getCurrentThreadCpuTime();
                    long sink = 0;
                    for (int i = 0; i < requests / threads; i++) {
                        sink += request.serve();
                    }
                    cpuNanos.add(CPU.getCurrentThreadCpuTime() - cpuStart);
                    return sink;
                });
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU time is the figure to read on a shared machine: wall time also counts waiting for a core
        System.err.printf("%s %s %,d requests on %d threads: %,.0f ns CPU/request, %,.0f ns wall/request, %,.0f requests/s%n",
                phase, name, requests, threads, cpuNanos.sum() / (double) requests, seconds * 1e9 * threads / requests,
                requests / seconds);
    }
}
