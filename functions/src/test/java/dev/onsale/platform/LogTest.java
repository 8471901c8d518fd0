package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogTest {

    @Test
    void aJavaLoggingRecordIsOneLineWithLambdasFieldNames() throws Exception {
        LogRecord record = new LogRecord(java.util.logging.Level.WARNING, "Could not cache event {0}");
        record.setParameters(new Object[] {"7 \"quoted\""});
        record.setLoggerName("dev.onsale.catalog.CatalogService");
        record.setThrown(new IllegalStateException("cache down", new RuntimeException("socket closed")));

        String line = Log.line(record);

        JsonLineTest.assertOneLine(line);
        JsonNode node = Json.MAPPER.readTree(line);
        assertEquals("WARN", node.get("level").asText());
        assertEquals("Could not cache event 7 \"quoted\"", node.get("message").asText());
        assertEquals("dev.onsale.catalog.CatalogService", node.get("logger").asText());
        assertTrue(node.get("timestamp").asText().endsWith("Z"));
        assertEquals("cache down", node.get("errorMessage").asText());
        assertTrue(node.get("stackTrace").toString().contains("Caused by: java.lang.RuntimeException: socket closed"));
    }

    @Test
    void systemLoggerLinesBecomeJsonLinesFilteredByLevel() throws Exception {
        Log.routeJavaLogging(Log.Level.INFO);
        System.Logger logger = System.getLogger("dev.onsale.LogTest");
        List<String> captured = new CopyOnWriteArrayList<>();
        try (AutoCloseable tap = Log.tap(captured::add)) {
            logger.log(System.Logger.Level.DEBUG, "below the level: dropped");
            logger.log(System.Logger.Level.ERROR, "Could not schedule the expiry of booking 9");
        }
        List<JsonNode> mine = captured.stream().filter(l -> l.contains("dev.onsale.LogTest")).map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertEquals(1, mine.size(), captured.toString());
        assertEquals("ERROR", mine.getFirst().get("level").asText());
        assertEquals("Could not schedule the expiry of booking 9", mine.getFirst().get("message").asText());
    }

    @Test
    void levelsAreLambdasNames() {
        assertEquals(Log.Level.WARN, Log.Level.parse("warn"));
        assertEquals(Log.Level.WARN, Log.Level.parse("WARNING"));
        assertEquals(Log.Level.DEBUG, Log.Level.parse(" DEBUG "));
        assertEquals(Log.Level.INFO, Log.Level.parse("nonsense"));
        assertEquals(Log.Level.INFO, Log.Level.parse(null));
    }
}
