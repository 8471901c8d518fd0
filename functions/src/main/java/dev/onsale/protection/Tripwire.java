package dev.onsale.protection;

import java.time.Duration;

/**
 * One counter of a {@link BotRule} and its threshold, kept in {@code antibot:<counter>:user:{id}}.
 *
 * @param counter   the key's name part, e.g. {@code seat_check:minute}
 * @param kind      how the counter counts
 * @param threshold COUNT/PEEK: the most allowed in {@code span} (one more trips); PACE: how many fast requests in a row pass
 * @param span      COUNT/PEEK: the counting window (fixed, starting at the first count); PACE: the shortest human interval
 */
public record Tripwire(BotRule rule, String counter, Kind kind, long threshold, Duration span) {

    public enum Kind {
        /** Each request counts; over {@code threshold} within the window trips. */
        COUNT("count"),
        /** Requests only look: something after the answer counts ({@link SubjectGuard#afterAnswer}). */
        PEEK("peek"),
        /** A GCRA at one request per {@code span}: more than {@code threshold} requests faster than that trips. */
        PACE("pace");

        private final String script;

        Kind(String script) {
            this.script = script;
        }

        String script() {
            return script;
        }
    }

    /** The span as guard.lua takes it: milliseconds for windows, microseconds for a pace. */
    String spanArgument() {
        return kind == Kind.PACE ? Long.toString(span.toNanos() / 1_000) : Long.toString(span.toMillis());
    }
}
