package dev.onsale.protection;

import java.util.Arrays;

/**
 * The bot rules: behaviour no fan shows. A rule that trips blocks its user for a cooling-off period
 * (see {@link CoolingOff}); each rule's {@link Tripwire}s say what it counts and how much is too much.
 */
public enum BotRule {
    /** Polling the seat map to spot released seats: too many checks a minute, or an hour. */
    SEAT_CHECKS("seat_check", "Too many seat checks. Please slow down."),
    /** Hold attempts on and on: too many in an hour. */
    BOOKING_ATTEMPTS("booking_attempts", "Too many booking attempts. Please try again later."),
    /** Trying seats that are taken, again and again: guessing at seats instead of reading the map. */
    FAILED_HOLDS("failed_holds", "Too many holds on seats that were already taken. Please pick seats from the current seat map."),
    /** Hold requests faster than a person can click. */
    BOOKING_PACE("booking_pace", "Booking requests are coming faster than a person can make them. Please slow down.");

    private final String id;
    private final String detail;

    BotRule(String id, String detail) {
        this.id = id;
        this.detail = detail;
    }

    /** The name kept in the block key while the user cools off, and in logs. */
    public String id() {
        return id;
    }

    /** What the user is told while blocked. */
    public String detail() {
        return detail;
    }

    /** The rule named {@code id} (another route's rule may have set a block); a generic one for an unknown name. */
    static String detailOf(String id) {
        return Arrays.stream(values()).filter(rule -> rule.id.equals(id)).findFirst()
                .map(BotRule::detail)
                .orElse("Too many requests. Please slow down.");
    }
}
