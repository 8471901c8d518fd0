package dev.onsale.booking;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/** {@code GET /api/v1/bookings/{booking_id}}: one of the caller's bookings. Triggered by the HTTP API. */
public final class GetBookingHandler extends ApiHandler {
    private final BookingService bookings;

    public GetBookingHandler() {
        this(Config.fromEnvironment());
    }

    private GetBookingHandler(Config config) {
        this(BookingService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB);
    }

    public GetBookingHandler(BookingService bookings, Caller.AdminRule admins) {
        super(admins);
        this.bookings = bookings;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        long bookingId = request.pathId("booking_id");
        return bookings.booking(userId, bookingId)
                .map(booking -> ApiResponse.json(200, BookingView.of(booking)))
                .orElseGet(() -> BookingResponses.notFound(bookingId));
    }
}
