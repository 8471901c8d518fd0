package dev.onsale.booking;

import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Booking ids that sort by creation time and stay exact in JavaScript (below 2^53): milliseconds
 * since 2026-01-01 in the high bits, 12 random bits below. Two holds in the same millisecond
 * clash once in 4,096; the hold's conditional put catches that and the hold is retried with a new id.
 */
public final class BookingIds {
    private static final long EPOCH_2026 = 1_767_225_600_000L;
    private static final int RANDOM_BITS = 12;

    private final Clock clock;
    private final RandomGenerator random;

    public BookingIds(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    public long next() {
        return ((clock.millis() - EPOCH_2026) << RANDOM_BITS) | random.nextInt(1 << RANDOM_BITS);
    }
}
