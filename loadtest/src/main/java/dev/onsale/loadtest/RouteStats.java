package dev.onsale.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latency (µs, HdrHistogram) and answers by status, per route, for the measured window only. */
final class RouteStats {

    static final class PerRoute {
        final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder failures = new LongAdder();

        long count() {
            return latencyMicros.getTotalCount() + failures.sum();
        }

        Map<Integer, Long> statusCounts() {
            Map<Integer, Long> counts = new TreeMap<>();
            statuses.forEach((status, count) -> counts.put(status, count.sum()));
            return counts;
        }
    }

    private final Map<Route, PerRoute> routes = new EnumMap<>(Route.class);
    /** Every answer, measured or not: the progress bar's rate. */
    final LongAdder answered = new LongAdder();
    final LongAdder tooManyRequests = new LongAdder();
    final LongAdder failures = new LongAdder();

    RouteStats() {
        for (Route route : Route.values()) {
            routes.put(route, new PerRoute());
        }
    }

    PerRoute of(Route route) {
        return routes.get(route);
    }

    void answered(Route route, long startNanos, long endNanos, int status, boolean measured) {
        answered.increment();
        if (status == 429) {
            tooManyRequests.increment();
        }
        if (measured) {
            PerRoute stats = routes.get(route);
            stats.latencyMicros.recordValue(Math.max(0, Math.min((endNanos - startNanos) / 1000, stats.latencyMicros.getHighestTrackableValue())));
            stats.statuses.computeIfAbsent(status, code -> new LongAdder()).increment();
        }
    }

    void failed(Route route, boolean measured) {
        answered.increment();
        failures.increment();
        if (measured) {
            routes.get(route).failures.increment();
        }
    }

    /**
     * Sends one request and records its answer under {@code route}, its latency from {@code dueNanos}, when
     * {@code measured}; null when it failed (counted, and the first few of a kind noted on stderr).
     */
    HttpConnections.Response timed(HttpConnections http, Route route, long dueNanos, boolean measured, InetAddress from,
                                   String method, String target, String jsonBody, String... headers) {
        try {
            HttpConnections.Response response = http.send(from, method, target, jsonBody, headers);
            answered(route, dueNanos, System.nanoTime(), response.status(), measured);
            return response;
        } catch (IOException | RuntimeException e) {
            failed(route, measured);
            LoadTest.noteFailure(route, e);
            return null;
        }
    }

    static double millis(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
