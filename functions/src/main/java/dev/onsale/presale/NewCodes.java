package dev.onsale.presale;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The body of {@code POST /api/v1/events/{event_id}/codes}, as sent: {@code count} codes (1 to 1,000) of {@code uses}
 * redemptions each (default 1), redeemable from {@code valid_from} until {@code valid_until} (ISO-8601, either may be
 * left out), with an optional {@code label}. {@link #problem} says what is wrong with it, if anything.
 */
public record NewCodes(Integer count, Integer uses, String validFrom, String validUntil, String label) {
    static final int MAX_COUNT = 1_000;
    static final int MAX_USES = 1_000_000;
    static final int MAX_LABEL = 100;

    /** The first problem found, worded for the caller; empty when the codes can be made. */
    Optional<String> problem() {
        if (count == null) {
            return Optional.of("count is required: how many codes to make (1 to " + MAX_COUNT + ")");
        }
        if (count < 1 || count > MAX_COUNT) {
            return Optional.of("count must be between 1 and " + MAX_COUNT);
        }
        if (uses != null && (uses < 1 || uses > MAX_USES)) {
            return Optional.of("uses must be between 1 and " + MAX_USES);
        }
        if (label != null && (label.isBlank() || label.length() > MAX_LABEL)) {
            return Optional.of("label must be 1 to " + MAX_LABEL + " characters");
        }
        for (String[] time : new String[][] {{"valid_from", validFrom}, {"valid_until", validUntil}}) {
            if (time[1] != null && instant(time[1]).isEmpty()) {
                return Optional.of(time[0] + " must be an ISO-8601 date and time with an offset, e.g. 2027-03-01T10:00:00Z");
            }
        }
        if (from().isPresent() && until().isPresent() && !from().get().isBefore(until().get())) {
            return Optional.of("valid_until must be after valid_from");
        }
        return Optional.empty();
    }

    int usesOrDefault() {
        return uses == null ? 1 : uses;
    }

    Optional<Instant> from() {
        return validFrom == null ? Optional.empty() : instant(validFrom);
    }

    Optional<Instant> until() {
        return validUntil == null ? Optional.empty() : instant(validUntil);
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.trim()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
