package dev.onsale.booking;

import java.util.random.RandomGenerator;

/**
 * The attempts of one booking write: at most {@code WRITE_ATTEMPTS}, with full-jitter exponential backoff
 * (0 to 20 ms · 2^attempt, at most 400 ms) after a transaction conflict or throttling, and whether
 * throttling was what ran them out (503 rather than 409).
 */
final class WriteRetries {
    private final int attempts;
    private final RandomGenerator random;
    private int attempt = -1;
    private boolean throttled;

    WriteRetries(int attempts, RandomGenerator random) {
        this.attempts = attempts;
        this.random = random;
    }

    /** Whether there is another attempt to make. */
    boolean another() {
        return ++attempt < attempts;
    }

    /** Backs off when {@code write} was contended or throttled, and answers whether it was: then try again. */
    boolean backedOff(BookingStore.Write write) {
        if (write instanceof BookingStore.Write.Throttled) {
            throttled = true;
        } else if (!(write instanceof BookingStore.Write.Contended)) {
            return false;
        }
        long cap = Math.min(400, 20L << Math.min(attempt, 5));
        try {
            Thread.sleep(random.nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while backing off", e);
        }
        return true;
    }

    boolean throttled() {
        return throttled;
    }
}
