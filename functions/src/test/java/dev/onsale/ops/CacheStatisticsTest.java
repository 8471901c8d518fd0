package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CacheStatisticsTest {

    @Test
    void familyIsWhatPrecedesTheHashTag() {
        assertEquals("cache:seats", CacheStatistics.family("cache:seats:{event:1}"));
        assertEquals("cache:seats", CacheStatistics.family("cache:seats:{event:1}:rebuild"));
    }

    @Test
    void surgeProtectionKeysGroupByKindAndCounter() {
        assertEquals("LIMITER:user", CacheStatistics.family("LIMITER:user:{1}:seatmap"));
        assertEquals("LIMITER:ip", CacheStatistics.family("LIMITER:ip:{127.0.0.1}:seatmap"));
        assertEquals("antibot:seat_check:minute:user", CacheStatistics.family("antibot:seat_check:minute:user:{1}"));
        assertEquals("antibot:block:user", CacheStatistics.family("antibot:block:user:{1}"));
    }

    @Test
    void familyOfAnUntaggedKeyDropsItsLastSegment() {
        assertEquals("LIMITER:user", CacheStatistics.family("LIMITER:user:1"));
        assertEquals("plain", CacheStatistics.family("plain"));
    }

    @Test
    void hitRateIsAPercentageWithTwoDecimals() {
        CacheStatistics.Stats stats = CacheStatistics.stats("# Stats\r\nkeyspace_hits:145\r\nkeyspace_misses:12\r\n");
        assertEquals(145, stats.keyspaceHits());
        assertEquals(12, stats.keyspaceMisses());
        assertEquals(new BigDecimal("92.36"), stats.hitRate());
    }

    @Test
    void noLookupsIsAZeroRate() {
        assertEquals(new BigDecimal("0.00"), CacheStatistics.stats("keyspace_hits:0\nkeyspace_misses:0").hitRate());
    }
}
