package dev.onsale.presale;

import java.time.Instant;
import java.util.Optional;

/**
 * A presale code as stored, without the code itself: {@code uses} redemptions in all, {@code used} so far, and the
 * window it may be redeemed in (either end open). {@code hint} is its last two characters, for telling codes apart.
 */
public record PresaleCode(String id, long eventId, Optional<String> label, int uses, int used, Optional<Instant> validFrom,
                          Optional<Instant> validUntil, String hint, Instant createdAt) {

    public int usesLeft() {
        return Math.max(0, uses - used);
    }

    boolean notYetValid(Instant now) {
        return validFrom.isPresent() && now.isBefore(validFrom.get());
    }

    boolean expired(Instant now) {
        return validUntil.isPresent() && !now.isBefore(validUntil.get());
    }
}
