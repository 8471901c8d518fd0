package dev.onsale.platform;

import java.security.SecureRandom;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The functions' source of randomness (booking ids, retry jitter). A generator seeded at init would be
 * copied by a SnapStart snapshot, so every restored copy would draw the same numbers: this one is seeded
 * from {@link SecureRandom} and seeded again after each restore ({@link SnapStart}). Thread-safe.
 */
public final class Randomness implements RandomGenerator {
    private static final Randomness SHARED = new Randomness();

    private volatile Random generator = seeded();

    private Randomness() {
    }

    public static Randomness shared() {
        return SHARED;
    }

    /** Draws a new seed; what came before the call says nothing about what comes after. */
    public void reseed() {
        generator = seeded();
    }

    @Override
    public long nextLong() {
        return generator.nextLong();
    }

    @Override
    public int nextInt(int bound) {
        return generator.nextInt(bound);
    }

    private static Random seeded() {
        return new Random(new SecureRandom().nextLong());
    }
}
