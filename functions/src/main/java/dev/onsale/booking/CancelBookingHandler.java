package dev.onsale.booking;

import dev.onsale.platform.Config;
import java.util.Optional;

/** {@code POST /api/v1/bookings/{booking_id}/cancel}: ends a hold and frees its seats. Triggered by the HTTP API. */
public final class CancelBookingHandler extends ChangeBookingHandler {

    public CancelBookingHandler() {
        this(Config.fromEnvironment());
    }

    private CancelBookingHandler(Config config) {
        this(BookingService.create(config), config.adminGroup());
    }

    public CancelBookingHandler(BookingService bookings, String adminGroup) {
        super(bookings, adminGroup);
    }

    @Override
    protected BookingService.ChangeOutcome change(String userId, long bookingId, Optional<IdempotencyKey> key) {
        return bookings.cancel(userId, bookingId, key);
    }
}
