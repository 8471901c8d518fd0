package dev.onsale.bench;

import java.util.Arrays;

/** Recorded latencies in nanoseconds and their percentiles, for benchmark reports. */
final class Latencies {
    private long[] nanos = new long[1024];
    private int count;

    synchronized void record(long value) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = value;
    }

    synchronized int count() {
        return count;
    }

    /** The {@code p}-th percentile (0-100) in milliseconds. */
    synchronized double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100 * count) - 1));
        return sorted[index] / 1_000_000.0;
    }
}
