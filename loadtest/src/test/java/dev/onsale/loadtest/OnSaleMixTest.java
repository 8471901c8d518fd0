package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A waiting fan in the load test checks in when the room asks, as the queue page does. */
class OnSaleMixTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFanChecksInWhenTheAnswerAsks() throws Exception {
        assertEquals(4, OnSaleMix.pollAfter(JSON.readTree("{\"status\": \"queued\", \"poll_after_seconds\": 4}"), null));
    }

    @Test
    void aRefusedFanWaitsRetryAfter() {
        var tooSoon = new HttpConnections.Response(429, Map.of("retry-after", "2"), new byte[0]);
        assertEquals(2, OnSaleMix.pollAfter(null, tooSoon));
    }

    @Test
    void withoutEitherAFanWaitsASecond() throws Exception {
        assertEquals(1, OnSaleMix.pollAfter(null, null));
        assertEquals(1, OnSaleMix.pollAfter(JSON.readTree("{\"status\": \"admitted\", \"poll_after_seconds\": null}"),
                new HttpConnections.Response(200, Map.of(), new byte[0])));
    }
}
