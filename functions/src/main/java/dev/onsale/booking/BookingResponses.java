package dev.onsale.booking;

import dev.onsale.http.ApiException;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Metrics;
import java.util.Optional;

/** How the booking routes read idempotency keys and answer the outcomes they share. */
final class BookingResponses {
    private BookingResponses() {
    }

    static Optional<IdempotencyKey> idempotencyKey(ApiRequest request) {
        try {
            return IdempotencyKey.parse(request.header("x-idempotency-key"), request.header("idempotency-key"));
        } catch (IdempotencyKey.Invalid e) {
            throw new ApiException(400, "invalid_idempotency_key", e.getMessage());
        }
    }

    static ApiResponse replayed(int status, String body) {
        return ApiResponse.rawJson(status, body).header("idempotent-replayed", "true");
    }

    static ApiResponse keyReused() {
        return ApiResponse.error(422, "idempotency_key_reused",
                "This idempotency key was already used with a different request");
    }

    static ApiResponse busy(boolean throttled) {
        if (!throttled) {
            Metrics.count("HoldConflicts"); // lost a race for the same seats: a conflict as much as a taken seat
        }
        return (throttled
                ? ApiResponse.error(503, "service_busy", "Bookings are very busy right now; retry in a moment")
                : ApiResponse.error(409, "booking_conflict", "Another request changed these seats at the same moment; retry"))
                .header("retry-after", "1");
    }

    static ApiResponse notFound(long bookingId) {
        return ApiResponse.error(404, "booking_not_found", "Booking " + bookingId + " does not exist");
    }
}
