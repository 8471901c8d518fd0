package dev.onsale.booking;

import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code POST /api/v1/bookings}: holds seats for the caller, idempotently under
 * {@code X-Idempotency-Key} / {@code Idempotency-Key}. Triggered by the HTTP API.
 */
public final class CreateBookingHandler extends ApiHandler {
    private final BookingService bookings;

    public CreateBookingHandler() {
        this(Config.fromEnvironment());
    }

    private CreateBookingHandler(Config config) {
        this(BookingService.create(config), config.adminGroup());
    }

    public CreateBookingHandler(BookingService bookings, String adminGroup) {
        super(adminGroup);
        this.bookings = bookings;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        var key = BookingResponses.idempotencyKey(request);
        HoldRequest body = request.body(HoldRequest.class);
        return switch (bookings.hold(userId, body, key)) {
            case BookingService.HoldOutcome.Held held -> ApiResponse.json(201, BookingView.of(held.booking()))
                    .header("location", "/api/v1/bookings/" + held.booking().id());
            case BookingService.HoldOutcome.Replayed replayed -> BookingResponses.replayed(replayed.status(), replayed.body());
            case BookingService.HoldOutcome.Invalid invalid -> ApiResponse.error(422, "validation_failed", invalid.detail());
            case BookingService.HoldOutcome.UnknownEvent unknown ->
                    ApiResponse.error(404, "event_not_found", "Event " + unknown.eventId() + " does not exist");
            case BookingService.HoldOutcome.UnknownSeats unknown -> ApiResponse.json(422, Map.of(
                    "error", "unknown_seats",
                    "detail", "Seats " + join(unknown.seatIds()) + " do not exist in this event",
                    "seat_ids", unknown.seatIds()));
            case BookingService.HoldOutcome.SeatsUnavailable taken -> ApiResponse.json(409, Map.of(
                    "error", "seats_unavailable",
                    "detail", "Seats " + join(taken.seatIds()) + " are not available",
                    "seat_ids", taken.seatIds()));
            case BookingService.HoldOutcome.HoldLimitReached limit -> ApiResponse.error(409, "hold_limit_reached",
                    "You already hold seats in " + limit.max() + " bookings for this event; confirm or cancel one first");
            case BookingService.HoldOutcome.KeyReused reused -> BookingResponses.keyReused();
            case BookingService.HoldOutcome.Busy busy -> BookingResponses.busy(busy.throttled());
        };
    }

    private static String join(java.util.List<? extends Number> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
