package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void aCountIsOneEmbeddedMetricFormatLine() throws Exception {
        JsonNode line = Json.MAPPER.readTree(Metrics.line("GuardsFailedOpen", "GET /x", 1_700_000_000_000L));
        assertEquals(1, line.get("GuardsFailedOpen").asInt());
        assertEquals("GET /x", line.get("Route").asText());
        JsonNode aws = line.get("_aws");
        assertEquals(1_700_000_000_000L, aws.get("Timestamp").asLong());
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertEquals("onsale", directive.get("Namespace").asText());
        assertEquals("Route", directive.get("Dimensions").get(0).get(0).asText());
        assertEquals("GuardsFailedOpen", directive.get("Metrics").get(0).get("Name").asText());
        assertEquals("Count", directive.get("Metrics").get(0).get("Unit").asText());
    }

    @Test
    void theProcessKeepsTotals() {
        long before = Metrics.total("MetricsTestCount");
        Metrics.count("MetricsTestCount", "GET /x");
        assertEquals(before + 1, Metrics.total("MetricsTestCount"));
    }
}
