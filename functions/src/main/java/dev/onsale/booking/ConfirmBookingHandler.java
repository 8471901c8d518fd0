package dev.onsale.booking;

import dev.onsale.platform.Config;
import java.util.Optional;

/** {@code POST /api/v1/bookings/{booking_id}/confirm}: pays for a live hold and sells its seats. Triggered by the HTTP API. */
public final class ConfirmBookingHandler extends ChangeBookingHandler {

    public ConfirmBookingHandler() {
        this(Config.fromEnvironment());
    }

    private ConfirmBookingHandler(Config config) {
        this(BookingService.create(config), config.adminGroup());
    }

    public ConfirmBookingHandler(BookingService bookings, String adminGroup) {
        super(bookings, adminGroup);
    }

    @Override
    protected BookingService.ChangeOutcome change(String userId, long bookingId, Optional<IdempotencyKey> key) {
        return bookings.confirm(userId, bookingId, key);
    }
}
