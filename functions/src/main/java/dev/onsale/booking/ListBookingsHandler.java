package dev.onsale.booking;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/v1/bookings?limit=&before=}: the caller's bookings, newest first. Triggered by the HTTP API. */
public final class ListBookingsHandler extends ApiHandler {
    private final BookingService bookings;

    record Page(List<BookingView> bookings, Long nextBefore) {
    }

    public ListBookingsHandler() {
        this(Config.fromEnvironment());
    }

    private ListBookingsHandler(Config config) {
        this(BookingService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB);
    }

    public ListBookingsHandler(BookingService bookings, Caller.AdminRule admins) {
        super(admins);
        this.bookings = bookings;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        int limit = request.queryInt("limit", 20, 1, 100);
        Optional<Long> before = request.query("before").map(value -> request.queryId("before"));
        List<Booking> page = bookings.bookings(userId, before, limit);
        Long next = page.size() == limit ? page.getLast().id() : null;
        return ApiResponse.json(200, new Page(page.stream().map(BookingView::of).toList(), next));
    }
}
