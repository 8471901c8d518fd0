package dev.onsale.catalog;

import java.time.Instant;

/** The live part of a seat: its stored status and, while held, when the hold lapses. */
public record SeatState(int seatId, SeatStatus status, long holdExpiresAtMillis) {

    /** What a buyer sees at {@code now}: a lapsed hold no longer blocks the seat. */
    public SeatStatus effectiveStatus(Instant now) {
        if (status == SeatStatus.HELD && holdExpiresAtMillis <= now.toEpochMilli()) {
            return SeatStatus.AVAILABLE;
        }
        return status;
    }
}
