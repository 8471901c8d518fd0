package dev.onsale.protection;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): {@code RateLimit-Policy}
 * lists each policy's quota {@code q} and window {@code w} in seconds, {@code RateLimit} its remaining
 * quota {@code r} and the seconds {@code t} until it is whole again. Both are Structured Field lists,
 * so the guards of one route join theirs with ", ".
 */
final class RateLimitHeaders {
    static final String POLICY = "ratelimit-policy";
    static final String LIMIT = "ratelimit";

    private RateLimitHeaders() {
    }

    /** {@code "seatmap";q=20;w=60, "seatmap-ip";q=600;w=60} */
    static String policy(List<RateLimit> limits) {
        return limits.stream()
                .map(limit -> "\"" + limit.headerName() + "\";q=" + limit.rate().quota() + ";w=" + limit.rate().window().toSeconds())
                .collect(Collectors.joining(", "));
    }

    /** {@code "seatmap";r=19;t=3} for each limit, with its remaining requests and reset time in microseconds. */
    static String limits(List<RateLimit> limits, long[] remaining, long[] resetMicros) {
        return IntStream.range(0, limits.size())
                .mapToObj(i -> "\"" + limits.get(i).headerName() + "\";r=" + remaining[i] + ";t=" + seconds(resetMicros[i]))
                .collect(Collectors.joining(", "));
    }

    /** Whole seconds, rounded up: a client that waits this long is never early. */
    static long seconds(long micros) {
        return Math.ceilDiv(Math.max(0, micros), 1_000_000L);
    }

    /** A Retry-After value: whole seconds, rounded up, at least 1. */
    static String retryAfter(long micros) {
        return Long.toString(Math.max(1, seconds(micros)));
    }
}
