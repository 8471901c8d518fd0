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
import java.util.Optional;
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
    private final BookingService.SessionDeadline sessions;

    public CreateBookingHandler() {
        this(Config.fromEnvironment());
    }

    private CreateBookingHandler(Config config) {
        this(config, WaitingRoomService.create(config));
    }

    private CreateBookingHandler(Config config, WaitingRoomService room) {
        this(BookingService.create(config, room),
                Guards.of(config, Stream.concat(
                        SurgeProtection.of(config).createBooking(CreateBookingHandler::isFailedHold).stream(),
                        Stream.of(room.admissionGuard(AdmissionGuard.WhenRedisUnavailable.REFUSE, HoldRequest::eventOf))).toList()),
                config.admins(), room::sessionEnd);
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB, Dependency.SQS);
    }

    /** Without sessions: holds last the full hold time whatever token they carry. */
    public CreateBookingHandler(BookingService bookings, Guards guards, Caller.AdminRule admins) {
        this(bookings, guards, admins, BookingService.SessionDeadline.NONE);
    }

    public CreateBookingHandler(BookingService bookings, Guards guards, Caller.AdminRule admins,
                                BookingService.SessionDeadline sessions) {
        super(admins, guards);
        this.bookings = bookings;
        this.sessions = sessions;
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
        // a body without an event is refused by the service: it has no session to look up
        var holder = new BookingService.Holder(userId, request.sourceIp(), Optional.ofNullable(body.eventId())
                .flatMap(eventId -> sessions.of(eventId, userId, request.header(AdmissionGuard.TOKEN_HEADER))));
        return switch (bookings.hold(holder, body, key)) {
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
            case BookingService.HoldOutcome.LimitReached reached -> limitReached(reached.limit(), reached.limits());
            case BookingService.HoldOutcome.CoolingDown cooling -> ApiResponse.error(409, "rehold_cooldown",
                            "You gave up seats " + join(cooling.seatIds()) + " a moment ago; you may hold them again from "
                                    + cooling.until() + ", or hold other seats now",
                            Map.of("seat_ids", cooling.seatIds(), "available_to_you_at", cooling.until().toString()))
                    .retryAfter(cooling.left());
            case BookingService.HoldOutcome.KeyReused reused -> BookingResponses.keyReused();
            case BookingService.HoldOutcome.Busy busy -> BookingResponses.busy(busy.throttled());
        };
    }

    private static ApiResponse limitReached(HoldLimits.Limit limit, HoldLimits limits) {
        return switch (limit) {
            case ACTIVE_HOLDS -> ApiResponse.error(409, "hold_limit_reached", "You already hold seats in "
                    + limits.activeHolds() + " bookings for this event; confirm or cancel one first");
            case TICKETS -> ApiResponse.error(409, "ticket_limit_reached", "An account may hold and buy at most "
                    + limits.ticketsPerAccount() + " seats of this event, together", Map.of("max_tickets", limits.ticketsPerAccount()));
            case ADDRESS_SEATS -> ApiResponse.error(409, "address_hold_limit_reached", "At most " + limits.seatsPerAddress()
                    + " seats of this event may be held at once from one network address; try again when some are released",
                    Map.of("max_held_seats", limits.seatsPerAddress()));
            case HOLD_TIME -> ApiResponse.error(409, "hold_time_exhausted", "This account has used the "
                    + limits.holdTimePerAccount().toSeconds() + " seconds of hold time it may use for this event");
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
                    .retryAfter(before.untilOpen());
            case SaleState.AfterSale after -> ApiResponse.error(403, "not_on_sale",
                    "This event's sale ended at " + after.offSaleAt().orElseThrow(), window);
        };
    }

    private static String join(java.util.List<? extends Number> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
