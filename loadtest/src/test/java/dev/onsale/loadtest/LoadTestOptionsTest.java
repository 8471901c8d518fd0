package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stadium mode's options: its defaults, and what it refuses. */
class LoadTestOptionsTest {

    @Test
    void stadiumReadsInAClosedLoopOf64ByDefault() {
        LoadTestOptions options = LoadTestOptions.parse("--mode", "stadium");

        assertEquals(64, options.concurrency());
        assertEquals(200, options.churn());
        assertEquals(Duration.ofSeconds(30), options.duration());
        assertEquals(Duration.ofSeconds(5), options.warmup());
        assertEquals(Duration.ofSeconds(5), options.quietWindow());
        assertNull(options.redisPort());
    }

    @Test
    void stadiumTakesChurnQuietWindowAndRedisPort() {
        LoadTestOptions options = LoadTestOptions.parse("--mode", "stadium", "--duration", "10s", "--concurrency", "32",
                "--churn", "300", "--quiet-window", "0", "--url", "http://127.0.0.1:3000/", "--redis-port", "6390");

        assertEquals(Duration.ofSeconds(10), options.duration());
        assertEquals(32, options.concurrency());
        assertEquals(300, options.churn());
        assertTrue(options.quietWindow().isZero());
        assertEquals("http://127.0.0.1:3000", options.url().toString());
        assertEquals(6390, options.redisPort());
    }

    @Test
    void stadiumRefusesAnOfferedRate() {
        var refused = assertThrows(IllegalArgumentException.class,
                () -> LoadTestOptions.parse("--mode", "stadium", "--rate", "1000"));

        assertTrue(refused.getMessage().contains("closed loop"), refused.getMessage());
    }

    @Test
    void otherModesStayOpenLoop() {
        assertTrue(LoadTestOptions.parse("--mode", "seatmap").openLoop());
    }

    @Test
    void usageNamesEveryStadiumOption() {
        for (String option : new String[] {"stadium", "--churn", "--quiet-window", "--redis-port"}) {
            assertTrue(LoadTestOptions.USAGE.contains(option), option);
        }
    }
}
