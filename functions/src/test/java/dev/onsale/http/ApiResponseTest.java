package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiResponseTest {

    private static String retryAfter(Duration wait) {
        return ApiResponse.error(429, "wait", "wait").retryAfter(wait).headers().get("retry-after");
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndNeverZero() {
        assertEquals("3600", retryAfter(Duration.ofHours(1)));
        assertEquals("2", retryAfter(Duration.ofMillis(1_001)));
        assertEquals("1", retryAfter(Duration.ofNanos(1)), "0 would say 'now'");
        assertEquals("1", retryAfter(Duration.ofSeconds(-5)), "a wait already over still asks for a moment");
    }
}
