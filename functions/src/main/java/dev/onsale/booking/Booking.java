package dev.onsale.booking;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A booking of one user for some seats of one event. {@code sourceAddress} is the address the hold came
 * from (empty when unknown): its seats count against that address until the hold ends. While CONFIRMING,
 * {@code paymentDeadline} is when the expiry path settles a charge the confirm did not finish.
 */
public record Booking(long id, String userId, long eventId, BookingStatus status, List<BookedSeat> seats,
                      BigDecimal totalAmount, Instant expiresAt, Instant createdAt, String sourceAddress,
                      Optional<Instant> paymentDeadline) {

    /** A seat as booked: where it is and what it cost at the time. */
    public record BookedSeat(int id, String section, int row, int number, BigDecimal price) {
    }

    public List<Integer> seatIds() {
        return seats.stream().map(BookedSeat::id).toList();
    }

    /** Whether the hold still reserves its seats at {@code now}. */
    public boolean holdLive(Instant now) {
        return status == BookingStatus.HOLD && expiresAt.isAfter(now);
    }

    public Booking withStatus(BookingStatus newStatus) {
        return new Booking(id, userId, eventId, newStatus, seats, totalAmount, expiresAt, createdAt, sourceAddress, paymentDeadline);
    }

    /** The booking with its seats secured for payment until {@code deadline}. */
    public Booking confirming(Instant deadline) {
        return new Booking(id, userId, eventId, BookingStatus.CONFIRMING, seats, totalAmount, expiresAt, createdAt,
                sourceAddress, Optional.of(deadline));
    }
}
