package dev.onsale.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters as CloudWatch Embedded Metric Format lines on stdout: CloudWatch turns each line into a
 * metric without an API call in the request path. The process also keeps the totals, for tests and
 * for the local stack, where there is no CloudWatch.
 */
public final class Metrics {
    static final String NAMESPACE = "onsale";
    private static final Map<String, LongAdder> TOTALS = new ConcurrentHashMap<>();

    private Metrics() {
    }

    /** Counts one occurrence of {@code metric} on {@code route}. */
    public static void count(String metric, String route) {
        TOTALS.computeIfAbsent(metric, name -> new LongAdder()).increment();
        System.out.println(line(metric, route, System.currentTimeMillis()));
    }

    /** How many times {@code metric} was counted in this process. */
    public static long total(String metric) {
        LongAdder total = TOTALS.get(metric);
        return total == null ? 0 : total.sum();
    }

    static String line(String metric, String route, long timestamp) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of(
                "Timestamp", timestamp,
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(List.of("Route")),
                        "Metrics", List.of(Map.of("Name", metric, "Unit", "Count"))))));
        line.put("Route", route);
        line.put(metric, 1);
        return Json.write(line);
    }
}
