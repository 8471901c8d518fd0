package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onsale.platform.Config;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
    private static final List<RateLimit> SEAT_MAP = List.of(
            new RateLimit("seatmap", Subject.USER, new Config.Rate(20, Duration.ofMinutes(1))),
            new RateLimit("seatmap", Subject.IP, new Config.Rate(600, Duration.ofMinutes(1))));

    @Test
    void policiesAreAStructuredFieldListNamingQuotaAndWindow() {
        assertEquals("\"seatmap\";q=20;w=60, \"seatmap-ip\";q=600;w=60", RateLimitHeaders.policy(SEAT_MAP));
    }

    @Test
    void limitsGiveWhatRemainsAndSecondsUntilWholeRoundedUp() {
        assertEquals("\"seatmap\";r=19;t=3, \"seatmap-ip\";r=0;t=1",
                RateLimitHeaders.limits(SEAT_MAP, new long[] {19, 0}, new long[] {2_000_001, 1}));
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndNeverZero() {
        assertEquals("3", RateLimitHeaders.retryAfter(2_999_000));
        assertEquals("3", RateLimitHeaders.retryAfter(3_000_000));
        assertEquals("4", RateLimitHeaders.retryAfter(3_000_001));
        assertEquals("1", RateLimitHeaders.retryAfter(0));
    }

    @Test
    void gcraSpendsTheWindowEvenlyOverTheQuota() {
        RateLimit seatMap = SEAT_MAP.getFirst();
        assertEquals(3_000_000, seatMap.emissionIntervalMicros(), "20 a minute: one every 3 s");
        assertEquals(60_000_000, seatMap.burstMicros(), "all 20 at once when none came before");
        RateLimit odd = new RateLimit("odd", Subject.USER, new Config.Rate(7, Duration.ofMinutes(1)));
        assertEquals(8_571_428, odd.emissionIntervalMicros(), "microseconds keep odd quotas exact enough");
    }
}
