package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final long AT = 1_700_000_000_000L;

    /**
     * Checks a document the way CloudWatch reads it: every directive has a namespace, dimension sets and
     * metrics; every dimension named and every metric listed has a top-level member. Answers the document.
     */
    static JsonNode validEmf(String line) throws Exception {
        JsonNode document = Json.MAPPER.readTree(line);
        JsonNode aws = document.get("_aws");
        assertTrue(aws.get("Timestamp").isIntegralNumber(), line);
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertTrue(directives.isArray() && !directives.isEmpty(), line);
        for (JsonNode directive : directives) {
            assertTrue(directive.get("Namespace").isTextual(), line);
            assertTrue(directive.get("Dimensions").isArray() && !directive.get("Dimensions").isEmpty(), line);
            for (JsonNode set : directive.get("Dimensions")) {
                for (JsonNode name : set) {
                    assertTrue(document.path(name.asText()).isTextual(), "dimension " + name + " has a value in " + line);
                }
            }
            assertTrue(!directive.get("Metrics").isEmpty(), line);
            for (JsonNode metric : directive.get("Metrics")) {
                assertTrue(document.path(metric.get("Name").asText()).isNumber(), "metric " + metric + " has a value in " + line);
                assertTrue(metric.get("Unit").isTextual(), line);
            }
        }
        return document;
    }

    /** The dimension names of the directive that lists {@code metric}. */
    static List<String> dimensionsOf(JsonNode document, String metric) {
        for (JsonNode directive : document.get("_aws").get("CloudWatchMetrics")) {
            for (JsonNode listed : directive.get("Metrics")) {
                if (listed.get("Name").asText().equals(metric)) {
                    List<String> names = new ArrayList<>();
                    directive.get("Dimensions").get(0).forEach(name -> names.add(name.asText()));
                    return names;
                }
            }
        }
        throw new AssertionError(metric + " is not in " + document);
    }

    @Test
    void everythingAnInvocationCountsIsOneDocument() throws Exception {
        Metrics.Document document = Metrics.begin("onsale-test", "Route", "POST /api/v1/bookings");
        Metrics.count("HoldsCreated");
        Metrics.count("GuardsFailedOpen", "POST /api/v1/bookings");
        Metrics.gauge("WaitingRoomQueueSize", 42, "EventId", "7");
        document.add("Requests", Metrics.Unit.COUNT, 1, "Route", "POST /api/v1/bookings", "StatusClass", "2xx");
        document.add("Latency", Metrics.Unit.MILLISECONDS, 3.25, "Route", "POST /api/v1/bookings");

        List<String> lines = document.end(AT);

        assertEquals(1, lines.size(), lines.toString());
        JsonNode emf = validEmf(lines.getFirst());
        assertEquals(AT, emf.get("_aws").get("Timestamp").asLong());
        assertEquals("onsale-test", emf.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
        assertEquals("POST /api/v1/bookings", emf.get("Route").asText());
        assertEquals(1, emf.get("HoldsCreated").asInt());
        assertEquals(1, emf.get("GuardsFailedOpen").asInt());
        assertEquals(42, emf.get("WaitingRoomQueueSize").asInt());
        assertEquals("7", emf.get("EventId").asText());
        assertEquals(3.25, emf.get("Latency").asDouble());
        assertEquals(List.of("Route", "StatusClass"), dimensionsOf(emf, "Requests"));
        assertEquals(List.of("Route"), dimensionsOf(emf, "HoldsCreated"));
        assertEquals(List.of("EventId"), dimensionsOf(emf, "WaitingRoomQueueSize"));
        assertEquals("Milliseconds", unitOf(emf, "Latency"));
        assertEquals("Count", unitOf(emf, "Requests"));
    }

    @Test
    void countsOfOneSeriesAddUpAndALevelKeepsTheLast() throws Exception {
        Metrics.Document document = Metrics.begin("onsale", "Route", "GET /x");
        Metrics.count("HoldConflicts");
        Metrics.count("HoldConflicts");
        Metrics.count("Admissions", 3, "EventId", "1");
        Metrics.gauge("WaitingRoomQueueSize", 10, "EventId", "1");
        Metrics.gauge("WaitingRoomQueueSize", 9, "EventId", "1");

        JsonNode emf = validEmf(document.end(AT).getFirst());

        assertEquals(2, emf.get("HoldConflicts").asInt());
        assertEquals(3, emf.get("Admissions").asInt());
        assertEquals(9, emf.get("WaitingRoomQueueSize").asInt());
    }

    @Test
    void twoValuesOfOneDimensionCannotShareADocument() throws Exception {
        Metrics.Document document = Metrics.begin("onsale", "Route", "GET /x");
        Metrics.gauge("WaitingRoomQueueSize", 5, "EventId", "1");
        Metrics.gauge("WaitingRoomQueueSize", 8, "EventId", "2");

        List<String> lines = document.end(AT);

        assertEquals(2, lines.size(), lines.toString());
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            JsonNode emf = validEmf(line);
            seen.add(emf.get("EventId").asText() + "=" + emf.get("WaitingRoomQueueSize").asInt());
        }
        assertEquals(Set.of("1=5", "2=8"), seen);
    }

    @Test
    void anInvocationThatCountedNothingWritesNothingAndEndingIt() throws Exception {
        Metrics.Document document = Metrics.begin("onsale", "Route", "GET /x");
        assertEquals(List.of(), document.end(AT));

        List<String> captured = new ArrayList<>();
        try (AutoCloseable tap = Log.tap(captured::add)) {
            Metrics.count("MetricsTestAfterEnd", "GET /y"); // no document open: a document of its own
        }
        JsonNode emf = validEmf(captured.stream().filter(l -> l.contains("MetricsTestAfterEnd")).findFirst().orElseThrow());
        assertEquals("GET /y", emf.get("Route").asText());
        assertEquals(Metrics.DEFAULT_NAMESPACE, emf.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
    }

    @Test
    void theNamespaceComesFromTheConfiguration() {
        assertEquals("onsale-staging", Config.Telemetry.from(Map.of("METRICS_NAMESPACE", "onsale-staging")::get).metricsNamespace());
        assertEquals("onsale", Config.Telemetry.from(Map.<String, String>of()::get).metricsNamespace());
        assertEquals(Log.Level.WARN, Config.Telemetry.from(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN")::get).logLevel());
        assertEquals(Log.Level.DEBUG, Config.Telemetry.from(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN", "LOG_LEVEL", "debug")::get).logLevel());
        assertEquals(Log.Level.INFO, Config.Telemetry.from(Map.<String, String>of()::get).logLevel());
    }

    @Test
    void theProcessKeepsTotals() {
        long before = Metrics.total("MetricsTestCount");
        Metrics.count("MetricsTestCount", "GET /x");
        Metrics.count("MetricsTestCount", 2, "EventId", "1");
        assertEquals(before + 3, Metrics.total("MetricsTestCount"));
    }

    private static String unitOf(JsonNode document, String metric) {
        for (JsonNode directive : document.get("_aws").get("CloudWatchMetrics")) {
            for (JsonNode listed : directive.get("Metrics")) {
                if (listed.get("Name").asText().equals(metric)) {
                    return listed.get("Unit").asText();
                }
            }
        }
        throw new AssertionError(metric);
    }
}
