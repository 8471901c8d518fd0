package dev.onsale.protection;

import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import dev.onsale.platform.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The guards each route gets from surge protection, from the settings in the environment. Per route:
 * one guard for the user (one script) and, where there is one, one for the address (a second slot,
 * pipelined with the first: one round trip either way).
 */
public final class SurgeProtection {
    private final Config.Protection settings;

    public SurgeProtection(Config.Protection settings) {
        this.settings = settings;
    }

    public static SurgeProtection of(Config config) {
        return new SurgeProtection(config.protection());
    }

    private CoolingOff coolingOff() {
        return new CoolingOff(settings.coolingOff(), settings.longestCoolingOff(), settings.strikesKept());
    }

    /** The seat map: the user's and the address's limits and the seat-check rule. Browsing fails open. */
    public List<Guard> seatMap() {
        List<Tripwire> seatChecks = List.of(
                new Tripwire(BotRule.SEAT_CHECKS, "seat_check:minute", Tripwire.Kind.COUNT, settings.seatChecksPerMinute(), Duration.ofMinutes(1)),
                new Tripwire(BotRule.SEAT_CHECKS, "seat_check:hour", Tripwire.Kind.COUNT, settings.seatChecksPerHour(), Duration.ofHours(1)));
        return List.of(
                SubjectGuard.forUser(List.of(new RateLimit("seatmap", Subject.USER, settings.seatMapPerUser())),
                        seatChecks, coolingOff(), SubjectGuard.WhenRedisDown.OPEN, Optional.empty()),
                SubjectGuard.forIp(List.of(new RateLimit("seatmap", Subject.IP, settings.seatMapPerIp())),
                        SubjectGuard.WhenRedisDown.OPEN));
    }

    /**
     * Holding seats: the user's and the address's booking limits, and the booking-attempt, failed-hold
     * and pace rules. {@code failedHold} says which answers are failed holds; they are counted after the
     * answer (the only second round trip, and only on that failure). Fails closed.
     */
    public List<Guard> createBooking(Predicate<ApiResponse> failedHold) {
        Tripwire failedHolds = new Tripwire(BotRule.FAILED_HOLDS, "failed_holds", Tripwire.Kind.PEEK,
                settings.failedHolds(), settings.failedHoldsWindow());
        List<Tripwire> rules = List.of(
                new Tripwire(BotRule.BOOKING_ATTEMPTS, "booking_attempts:hour", Tripwire.Kind.COUNT, settings.bookingAttemptsPerHour(), Duration.ofHours(1)),
                failedHolds,
                new Tripwire(BotRule.BOOKING_PACE, "booking_pace", Tripwire.Kind.PACE, settings.fastBookings(), settings.humanInterval()));
        return List.of(
                SubjectGuard.forUser(List.of(new RateLimit("booking", Subject.USER, settings.bookingPerUser())),
                        rules, coolingOff(), SubjectGuard.WhenRedisDown.CLOSED,
                        Optional.of(new SubjectGuard.AnswerCount(failedHolds, failedHold))),
                SubjectGuard.forIp(List.of(new RateLimit("booking", Subject.IP, settings.bookingPerIp())),
                        SubjectGuard.WhenRedisDown.CLOSED));
    }

    /**
     * Joining a waiting room: the user's and the address's join limits. Joining again answers the same place, so a fan
     * needs few joins; an address may be many fans', so its quota is large, but a burst of places from one address is
     * refused. Fails closed (503, Retry-After): the room lives in Redis, so guards that get no answer in time mean a
     * struggling Redis, which the room's own call would only load more; and a flood must not pass by slowing Redis down.
     */
    public List<Guard> joinWaitingRoom() {
        return List.of(
                SubjectGuard.forUser(List.of(new RateLimit("waiting_room_join", Subject.USER, settings.waitingRoomJoinPerUser())),
                        SubjectGuard.Identity.SIGNED_IN, SubjectGuard.WhenRedisDown.CLOSED),
                SubjectGuard.forIp(List.of(new RateLimit("waiting_room_join", Subject.IP, settings.waitingRoomJoinPerIp())),
                        SubjectGuard.WhenRedisDown.CLOSED));
    }

    /**
     * Checking in on a place in line: one check-in per poll interval (the soonest {@code poll_after_seconds} ever asks,
     * a few sooner for jitter) per place, and the address's limit. The route has no authorizer (the queue token is the
     * credential): {@code placeOf} names the place a request checks in on from its token, and a request without a
     * good token names none and is answered 401. Both kept in the instance's memory (no Redis call, so no Redis
     * outage to fail on): a poll far from the front costs Redis nothing.
     */
    public List<Guard> waitingRoomStatus(Function<Guard.Request, Optional<String>> placeOf) {
        return waitingRoomStatus(placeOf, request -> "none that is good for this room"
                + " (missing, altered, expired, signed with a key since rotated out, or for another event)");
    }

    /** {@link #waitingRoomStatus(Function)}, the 401 saying what is wrong with the request's token ({@code whyNone}). */
    public List<Guard> waitingRoomStatus(Function<Guard.Request, Optional<String>> placeOf,
                                         Function<Guard.Request, String> whyNone) {
        SubjectGuard.Identity holder = new SubjectGuard.Identity(placeOf, request ->
                "Check in with the token joining answered: this request carries " + whyNone.apply(request) + ". Join again for a new one.");
        // in the instance's memory: a poll far from the front must cost Redis nothing, its limits included
        return List.of(
                SubjectGuard.inInstance(Subject.USER,
                        List.of(new RateLimit("waiting_room_status", Subject.USER, settings.waitingRoomStatusPerUser())), holder),
                SubjectGuard.inInstance(Subject.IP,
                        List.of(new RateLimit("waiting_room_status", Subject.IP, settings.waitingRoomStatusPerIp())), null));
    }

    /**
     * Redeeming a presale code: the user's and the address's redemption limits, small, since a fan redeems a code once
     * and a guess at a code is one attempt. Fails closed: a flood of guesses must not pass by slowing Redis down.
     */
    public List<Guard> redeemCode() {
        return List.of(
                SubjectGuard.forUser(List.of(new RateLimit("code_redeem", Subject.USER, settings.codeRedeemPerUser())),
                        SubjectGuard.Identity.SIGNED_IN, SubjectGuard.WhenRedisDown.CLOSED),
                SubjectGuard.forIp(List.of(new RateLimit("code_redeem", Subject.IP, settings.codeRedeemPerIp())),
                        SubjectGuard.WhenRedisDown.CLOSED));
    }

    /**
     * Confirming or cancelling a hold: the user's limit only. No bot rules, and no block: a user cooling
     * off may still pay for, or give back, seats DynamoDB already granted. Fails closed.
     */
    public List<Guard> changeBooking() {
        return List.of(SubjectGuard.forUser(List.of(new RateLimit("booking_change", Subject.USER, settings.bookingChangePerUser())),
                List.of(), coolingOff(), SubjectGuard.WhenRedisDown.CLOSED, Optional.empty()));
    }
}
