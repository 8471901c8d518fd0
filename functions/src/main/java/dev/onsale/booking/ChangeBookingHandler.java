package dev.onsale.booking;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import dev.onsale.platform.Metrics;
import java.util.Optional;

/** The shared shape of confirm and cancel: one booking of the caller's, one change, one answer. */
abstract class ChangeBookingHandler extends ApiHandler {
    protected final BookingService bookings;

    ChangeBookingHandler(BookingService bookings, Guards guards, Caller.AdminRule admins) {
        super(admins, guards);
        this.bookings = bookings;
    }

    protected abstract BookingService.ChangeOutcome change(String userId, long bookingId, Optional<IdempotencyKey> key);

    @Override
    protected final ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        long bookingId = request.pathId("booking_id");
        var key = BookingResponses.idempotencyKey(request);
        return switch (change(userId, bookingId, key)) {
            case BookingService.ChangeOutcome.Changed changed -> {
                Metrics.count(changed.booking().status() == BookingStatus.CONFIRMED ? "HoldsConfirmed" : "HoldsCancelled");
                yield ApiResponse.json(200, BookingView.of(changed.booking()));
            }
            case BookingService.ChangeOutcome.Replayed replayed -> BookingResponses.replayed(replayed.status(), replayed.body());
            case BookingService.ChangeOutcome.NotFound notFound -> BookingResponses.notFound(bookingId);
            case BookingService.ChangeOutcome.NotActive ended when ended.status() == BookingStatus.CONFIRMING ->
                    ApiResponse.error(409, "payment_in_progress", "Booking " + bookingId
                            + " is being paid for; confirm it again to see how the payment ended");
            case BookingService.ChangeOutcome.NotActive ended -> ApiResponse.error(409, "booking_not_active",
                    "Booking " + bookingId + " is " + ended.status());
            case BookingService.ChangeOutcome.PaymentPending pending -> ApiResponse.error(503, "payment_pending",
                            "The payment provider has not answered yet; your seats are kept for you until " + pending.deadline()
                                    + ": confirm again with the same request to finish",
                            java.util.Map.of("seats_secured_until", pending.deadline().toString()))
                    .header("retry-after", "2");
            case BookingService.ChangeOutcome.HoldExpired expired -> ApiResponse.error(409, "hold_expired",
                    "The hold of booking " + bookingId + " has expired and its seats were released");
            case BookingService.ChangeOutcome.PaymentDeclined declined -> ApiResponse.error(402, "payment_declined",
                    declined.reason());
            case BookingService.ChangeOutcome.KeyReused reused -> BookingResponses.keyReused();
            case BookingService.ChangeOutcome.Busy busy -> BookingResponses.busy(busy.throttled());
        };
    }
}
