package dev.onsale.platform;

import java.util.random.RandomGenerator;

/**
 * The attempts of one DynamoDB write (a booking's, a presale code's): at most {@code WRITE_ATTEMPTS}, with full-jitter
 * exponential backoff (0 to 20 ms · 2^attempt, at most 400 ms) after a transaction conflict or throttling, and whether
 * throttling was what ran them out (503 rather than 409). A store says which of its outcomes those are by having them
 * implement {@link Contended} or {@link Throttled}.
 */
public final class WriteRetries {
    /** A write that lost to a concurrent one (DynamoDB's {@code TransactionConflict}): worth another attempt. */
    public interface Contended {
    }

    /** A write DynamoDB throttled: worth another attempt, and a 503 when the attempts run out. */
    public interface Throttled {
    }

    private final int attempts;
    private final RandomGenerator random;
    private int attempt = -1;
    private boolean throttled;

    public WriteRetries(int attempts, RandomGenerator random) {
        this.attempts = attempts;
        this.random = random;
    }

    /** Whether there is another attempt to make. */
    public boolean another() {
        return ++attempt < attempts;
    }

    /** Backs off when {@code write} was contended or throttled, and answers whether it was: then try again. */
    public boolean backedOff(Object write) {
        if (write instanceof Throttled) {
            throttled = true;
        } else if (!(write instanceof Contended)) {
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

    public boolean throttled() {
        return throttled;
    }
}
