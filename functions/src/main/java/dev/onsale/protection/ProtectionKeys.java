package dev.onsale.protection;

/**
 * Every Redis key of surge protection, built here and nowhere else. The hash tag is the subject's id,
 * so all of one user's keys share a slot (one script sees them all on Redis Cluster) and an
 * address's keys share another. Names stay close to the old system's, so an operator's
 * {@code redis-cli --scan --pattern 'LIMITER:*'} reads as it used to; {@code cache/stats} groups
 * them by what precedes the tag ({@code LIMITER:user}, {@code antibot:seat_check:minute:user}, ...).
 */
final class ProtectionKeys {
    private ProtectionKeys() {
    }

    /** {@code LIMITER:user:{42}:seatmap}: the GCRA state (theoretical arrival time, µs) of one subject under one policy. */
    static String limit(Subject subject, String id, String policy) {
        return "LIMITER:" + subject.label() + ":{" + id + "}:" + policy;
    }

    /** {@code antibot:seat_check:minute:user:{42}}: one bot-rule counter of one user. */
    static String antibot(String counter, String userId) {
        return "antibot:" + counter + ":user:{" + userId + "}";
    }

    /** {@code antibot:block:user:{42}}: present while the user cools off; holds the rule that tripped. */
    static String block(String userId) {
        return antibot("block", userId);
    }

    /** {@code antibot:strikes:user:{42}}: how many times the user's rules tripped lately (sets the cooling-off). */
    static String strikes(String userId) {
        return antibot("strikes", userId);
    }
}
