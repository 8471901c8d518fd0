package dev.onsale.booking;

import dev.onsale.catalog.SaleState;
import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Metrics;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.WaitingRoomService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code POST /api/v1/bookings}: holds seats for the caller, idempotently under
 * {@code X-Idempotency-Key} / {@code Idempotency-Key}. Guarded by the booking limits, the bot rules and,
 * while the event's waiting room is on, admission (all failing closed); a hold refused because its
 * seats were taken counts as a failed hold.
 * Triggered by the HTTP API.
 */
public final class CreateBookingHandler extends ApiHandler {
    private final BookingService bookings;

    public CreateBookingHandler() {
        this(Config.fromEnvironment());
    }

    private CreateBookingHandler(Config config) {
        this(BookingService.create(config),
                Guards.of(config, Stream.concat(
                        SurgeProtection.of(config).createBooking(CreateBookingHandler::isFailedHold).stream(),
                        Stream.of(WaitingRoomService.create(config)
                                .admissionGuard(AdmissionGuard.WhenRedisUnavailable.REFUSE, HoldRequest::eventOf))).toList()),
                config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB, Dependency.SQS);
    }

    public CreateBookingHandler(BookingService bookings, Guards guards, Caller.AdminRule admins) {
        super(admins, guards);
        this.bookings = bookings;
    }

    /** The answer that counts against the failed-hold rule: the seats asked for were taken. */
    public static boolean isFailedHold(ApiResponse answer) {
        return answer.status() == 409 && answer.error().filter("seats_unavailable"::equals).isPresent();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        var key = BookingResponses.idempotencyKey(request);
        HoldRequest body = request.body(HoldRequest.class);
        return switch (bookings.hold(userId, body, key)) {
            case BookingService.HoldOutcome.Held held -> {
                Metrics.count("HoldsCreated");
                yield ApiResponse.json(201, BookingView.of(held.booking()))
                        .header("location", "/api/v1/bookings/" + held.booking().id());
            }
            case BookingService.HoldOutcome.Replayed replayed -> BookingResponses.replayed(replayed.status(), replayed.body());
            case BookingService.HoldOutcome.Invalid invalid -> ApiResponse.error(422, "validation_failed", invalid.detail());
            case BookingService.HoldOutcome.UnknownEvent unknown ->
                    ApiResponse.error(404, "event_not_found", "Event " + unknown.eventId() + " does not exist");
            case BookingService.HoldOutcome.NotOnSale notOnSale -> notOnSale(notOnSale.sale());
            case BookingService.HoldOutcome.UnknownSeats unknown -> ApiResponse.error(422, "unknown_seats",
                    "Seats " + join(unknown.seatIds()) + " do not exist in this event", Map.of("seat_ids", unknown.seatIds()));
            case BookingService.HoldOutcome.SeatsUnavailable taken -> {
                Metrics.count("HoldConflicts");
                yield ApiResponse.error(409, "seats_unavailable",
                        "Seats " + join(taken.seatIds()) + " are not available", Map.of("seat_ids", taken.seatIds()));
            }
            case BookingService.HoldOutcome.HoldLimitReached limit -> ApiResponse.error(409, "hold_limit_reached",
                    "You already hold seats in " + limit.max() + " bookings for this event; confirm or cancel one first");
            case BookingService.HoldOutcome.KeyReused reused -> BookingResponses.keyReused();
            case BookingService.HoldOutcome.Busy busy -> BookingResponses.busy(busy.throttled());
        };
    }

    /** 403 naming the window; before it opens, {@code Retry-After} says when. */
    private static ApiResponse notOnSale(SaleState.NotOnSale sale) {
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("on_sale_at", sale.onSaleAt());
        sale.offSaleAt().ifPresent(offSaleAt -> window.put("off_sale_at", offSaleAt));
        return switch (sale) {
            case SaleState.BeforeSale before -> ApiResponse.error(403, "not_on_sale",
                            "This event goes on sale at " + before.onSaleAt(), window)
                    .header("retry-after", Long.toString(before.secondsUntilOpen()));
            case SaleState.AfterSale after -> ApiResponse.error(403, "not_on_sale",
                    "This event's sale ended at " + after.offSaleAt().orElseThrow(), window);
        };
    }

    private static String join(java.util.List<? extends Number> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
