package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonLineTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "plain", "quote \" and backslash \\ and slash /", "new\nline\r\ttab", "nul \u0000 bell \u0007 esc \u001b del \u007f",
            "line separators \u2028 \u2029", "accents é ü 中文", "emoji 🎟️ pair 😀", "{\"looks\": \"like json\"}", "",
    })
    void anyStringComesBackAsItWentIn(String value) throws Exception {
        String line = JsonLine.start().field("value", value).finish();

        assertEquals(value, Json.MAPPER.readTree(line).get("value").asText());
        assertOneLine(line);
    }

    @Test
    void anUnpairedSurrogateIsEscapedSoTheLineStaysValidUtf8() throws Exception {
        String lone = "a\uD800b\uDC00c";
        String line = JsonLine.start().field("value", lone).finish();

        assertTrue(line.contains("\\ud800") && line.contains("\\udc00"), line);
        assertEquals(line, new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertEquals(lone, Json.MAPPER.readTree(line).get("value").asText());
    }

    @Test
    void nestedObjectsArraysAndScalars() throws Exception {
        String line = JsonLine.start()
                .timestamp("timestamp", 1_700_000_000_123L)
                .field("n", 42L).field("x", 1.5).field("nan", Double.NaN).field("yes", true).field("none", (String) null)
                .object("o").field("k", "v").array("a").value("1").array().value("2").endArray().endArray().end()
                .finish();

        JsonNode node = Json.MAPPER.readTree(line);
        assertEquals("2023-11-14T22:13:20.123Z", node.get("timestamp").asText());
        assertEquals(42, node.get("n").asLong());
        assertEquals(1.5, node.get("x").asDouble());
        assertTrue(node.get("nan").isNull());
        assertTrue(node.get("yes").asBoolean());
        assertTrue(node.get("none").isNull());
        assertEquals("v", node.get("o").get("k").asText());
        assertEquals("1", node.get("o").get("a").get(0).asText());
        assertEquals("2", node.get("o").get("a").get(1).get(0).asText());
    }

    @Test
    void theBufferIsReusedEmpty() throws Exception {
        JsonLine.start().field("first", "x".repeat(100_000)).finish();
        String second = JsonLine.start().field("second", 2L).finish();
        assertEquals("{\"second\":2}", second);
    }

    @Test
    void aLineWithSomethingLeftOpenIsRefused() {
        assertThrows(IllegalStateException.class, () -> JsonLine.start().object("o").finish());
    }

    static void assertOneLine(String line) {
        assertFalse(line.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029), "raw control character in " + line);
    }
}
