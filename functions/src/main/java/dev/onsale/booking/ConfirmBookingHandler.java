package dev.onsale.booking;

import dev.onsale.http.Caller;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.protection.SurgeProtection;
import java.util.Optional;

/**
 * {@code POST /api/v1/bookings/{booking_id}/confirm}: pays for a live hold and sells its seats. Guarded by the user's
 * booking-change limit (failing closed). Triggered by the HTTP API.
 */
public final class ConfirmBookingHandler extends ChangeBookingHandler {

    public ConfirmBookingHandler() {
        this(Config.fromEnvironment());
    }

    private ConfirmBookingHandler(Config config) {
        this(BookingService.create(config), Guards.of(config, SurgeProtection.of(config).changeBooking()), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB);
    }

    public ConfirmBookingHandler(BookingService bookings, Guards guards, Caller.AdminRule admins) {
        super(bookings, guards, admins);
    }

    @Override
    protected BookingService.ChangeOutcome change(String userId, long bookingId, Optional<IdempotencyKey> key) {
        return bookings.confirm(userId, bookingId, key);
    }
}
