package dev.onsale.booking;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A booking as the API shows it (and as an idempotency record stores it). */
public record BookingView(long id, String userId, long eventId, BookingStatus status, List<Booking.BookedSeat> seats,
                          BigDecimal totalAmount, Instant expiresAt, Instant createdAt) {

    public static BookingView of(Booking booking) {
        return new BookingView(booking.id(), booking.userId(), booking.eventId(), booking.status(), booking.seats(),
                booking.totalAmount(), booking.expiresAt(), booking.createdAt());
    }
}
