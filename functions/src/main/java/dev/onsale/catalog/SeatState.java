package dev.onsale.catalog;

import java.time.Instant;

/**
 * The live part of a seat as its item last had it (read from the table or from a stream record): its
 * status, while held when the hold lapses, and the item's version, which every writer counts up.
 */
public record SeatState(long eventId, int seatId, long version, SeatStatus status, long holdExpiresAtMillis) {

    /** What a buyer sees at {@code now}: a lapsed hold no longer blocks the seat. */
    public SeatStatus effectiveStatus(Instant now) {
        if (status == SeatStatus.HELD && holdExpiresAtMillis <= now.toEpochMilli()) {
            return SeatStatus.AVAILABLE;
        }
        return status;
    }
}
