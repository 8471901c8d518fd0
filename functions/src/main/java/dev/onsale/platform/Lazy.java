package dev.onsale.platform;

import java.util.function.Supplier;

/**
 * A value built once: on first use, or ahead of it on a thread of its own so that a cold start's slow
 * set-up (an SDK client is hundreds of classes) overlaps the rest of init and the first request's parsing.
 */
public final class Lazy<T> implements Supplier<T> {
    private final String name;
    private final Supplier<T> build;
    private volatile T value;

    private Lazy(String name, Supplier<T> build) {
        this.name = name;
        this.build = build;
    }

    public static <T> Lazy<T> of(String name, Supplier<T> build) {
        return new Lazy<>(name, build);
    }

    /** The value, built now if nobody has yet; waits for a build already under way. */
    @Override
    public T get() {
        T current = value;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (value == null) {
                value = build.get();
            }
            return value;
        }
    }

    /**
     * Starts building on a daemon thread unless built already. A failure there is dropped: the first
     * {@link #get} builds again and throws it to a caller that can answer for it.
     */
    public Lazy<T> buildInBackground() {
        if (value == null) {
            Thread.ofPlatform().daemon().name("build-" + name).start(() -> {
                try {
                    get();
                } catch (RuntimeException e) {
                    // the request that needs it will try again and report it
                }
            });
        }
        return this;
    }
}
