package dev.onsale.ops;

import dev.onsale.platform.Redis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is in Redis, by key family, and how often reads found their key. Walks the keyspace with
 * {@code SCAN} (never {@code KEYS}, which would block the server for every other caller).
 */
public final class CacheStatistics {
    private static final int SCAN_BATCH = 1_000;

    private final Redis redis;

    public CacheStatistics(Redis redis) {
        this.redis = redis;
    }

    /** The report, in the shape {@code /api/v1/cache/stats} has always answered. */
    public record Report(long totalKeys, Map<String, Long> keysBreakdown, Stats stats) {
    }

    /** Server-wide key lookups since the server started. */
    public record Stats(long keyspaceHits, long keyspaceMisses, BigDecimal hitRate) {
    }

    public Report report() {
        Map<String, Long> families = new TreeMap<>();
        long total = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.sync().scan(cursor, ScanArgs.Builder.limit(SCAN_BATCH));
            for (String key : page.getKeys()) {
                families.merge(family(key), 1L, Long::sum);
                total++;
            }
            cursor = page;
        } while (!cursor.isFinished());
        return new Report(total, families, stats(redis.sync().info("stats")));
    }

    /**
     * A key's family: what comes before its hash tag ({@code cache:seats:{event:1}} → {@code cache:seats}),
     * or before its last segment when it has none ({@code LIMITER:user:1} → {@code LIMITER:user}).
     */
    static String family(String key) {
        int tag = key.indexOf(":{");
        if (tag > 0) {
            return key.substring(0, tag);
        }
        int last = key.lastIndexOf(':');
        return last > 0 ? key.substring(0, last) : key;
    }

    static Stats stats(String info) {
        long hits = 0;
        long misses = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("keyspace_hits:")) {
                hits = Long.parseLong(line.substring("keyspace_hits:".length()).trim());
            } else if (line.startsWith("keyspace_misses:")) {
                misses = Long.parseLong(line.substring("keyspace_misses:".length()).trim());
            }
        }
        BigDecimal rate = hits + misses == 0 ? BigDecimal.ZERO.setScale(2)
                : BigDecimal.valueOf(hits * 100).divide(BigDecimal.valueOf(hits + misses), 2, RoundingMode.HALF_UP);
        return new Stats(hits, misses, rate);
    }
}
