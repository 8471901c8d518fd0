package dev.onsale.booking;

import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.Event;
import dev.onsale.catalog.SaleState;
import dev.onsale.catalog.Section;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Randomness;
import dev.onsale.platform.Redis;
import dev.onsale.platform.WriteRetries;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import dev.onsale.waitingroom.WaitingRoomService;
import io.lettuce.core.RedisException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Seat holds and their ends. A seat has at most one owner because every hold is one DynamoDB
 * transaction conditioned on the seat being free (or held by a lapsed hold); a retried request
 * never books twice because the idempotency record is written in that same transaction.
 */
public final class BookingService {
    private static final System.Logger LOG = System.getLogger(BookingService.class.getName());
    static final String CREATE = "create_booking";
    static final String CONFIRM = "confirm_booking";
    static final String CANCEL = "cancel_booking";

    private final BookingStore store;
    private final CatalogService catalog;
    private final HoldExpiryQueue expiryQueue;
    private final Payments payments;
    private final Clock clock;
    private final RandomGenerator random;
    private final BookingIds ids;
    private final Settings settings;
    private final SessionEnd sessionEnd;

    /**
     * Tells the event's waiting room that a fan's purchase ended (confirmed or cancelled), so that
     * the next fan in line gets in. Bookings know no more of the waiting room than this.
     */
    @FunctionalInterface
    public interface SessionEnd {
        SessionEnd NONE = (eventId, userId) -> { };

        void ended(long eventId, String userId);
    }

    /**
     * When a caller's waiting-room session for an event ends, from the access token the request carries
     * (empty without a valid one). Bookings know no more of the waiting room than this and {@link SessionEnd}.
     */
    @FunctionalInterface
    public interface SessionDeadline {
        SessionDeadline NONE = (eventId, userId, accessToken) -> Optional.empty();

        Optional<Instant> of(long eventId, String userId, Optional<String> accessToken);
    }

    /** The tunables of bookings. */
    public record Settings(Duration holdTime, int maxSeatsPerBooking, HoldLimits limits, Duration idempotencyTtl,
                           int writeAttempts, Duration paymentTimeout) {
        public static Settings of(Config config) {
            HoldLimits limits = HoldLimits.of(config);
            if (limits.holdTimePerAccount().compareTo(config.holdTime()) < 0) {
                throw new IllegalStateException("HOLD_TIME_PER_ACCOUNT_SECONDS (" + limits.holdTimePerAccount().toSeconds()
                        + ") must be at least HOLD_SECONDS (" + config.holdTime().toSeconds() + "): no hold could be made");
            }
            return new Settings(config.holdTime(), config.maxSeatsPerBooking(), limits, config.idempotencyTtl(),
                    config.writeAttempts(), config.fairSale().paymentTimeout());
        }

        public Settings withHoldTime(Duration holdTime) {
            return new Settings(holdTime, maxSeatsPerBooking, limits, idempotencyTtl, writeAttempts, paymentTimeout);
        }

        public Settings withLimits(HoldLimits limits) {
            return new Settings(holdTime, maxSeatsPerBooking, limits, idempotencyTtl, writeAttempts, paymentTimeout);
        }

        public Settings withPaymentTimeout(Duration paymentTimeout) {
            return new Settings(holdTime, maxSeatsPerBooking, limits, idempotencyTtl, writeAttempts, paymentTimeout);
        }
    }

    /**
     * Who asks for a hold: the account, the source address its seats count against (empty when unknown:
     * no address limit), and when the caller's waiting-room session ends, if it has one: a hold never
     * outlasts the session it was made in.
     */
    public record Holder(String userId, String sourceAddress, Optional<Instant> sessionEndsAt) {
        public static Holder of(String userId) {
            return new Holder(userId, "", Optional.empty());
        }
    }

    public BookingService(BookingStore store, CatalogService catalog, HoldExpiryQueue expiryQueue, Payments payments,
                          Clock clock, RandomGenerator random, Settings settings) {
        this(store, catalog, expiryQueue, payments, clock, random, settings, SessionEnd.NONE);
    }

    public BookingService(BookingStore store, CatalogService catalog, HoldExpiryQueue expiryQueue, Payments payments,
                          Clock clock, RandomGenerator random, Settings settings, SessionEnd sessionEnd) {
        this.sessionEnd = sessionEnd;
        this.store = store;
        this.catalog = catalog;
        this.expiryQueue = expiryQueue;
        this.payments = payments;
        this.clock = clock;
        this.random = random;
        this.ids = new BookingIds(clock, random);
        this.settings = settings;
    }

    public static BookingService create(Config config) {
        return create(config, WaitingRoomService.create(config));
    }

    /** The service with the function's one waiting-room service, which its catalog shares. */
    public static BookingService create(Config config, WaitingRoomService rooms) {
        var dynamo = AwsClients.dynamoDb(config);
        return new BookingService(
                new BookingStore(dynamo, config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config, Redis.shared(config.redis()), rooms),
                new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                SimulatedPayments.of(config), Clock.systemUTC(), Randomness.shared(), Settings.of(config),
                rooms::endSession);
    }

    /** What a hold came to. */
    public sealed interface HoldOutcome {
        record Held(Booking booking) implements HoldOutcome {
        }

        /** The key was used before with the same request: its first answer, again. */
        record Replayed(int status, String body) implements HoldOutcome {
        }

        record Invalid(String detail) implements HoldOutcome {
        }

        record UnknownEvent(long eventId) implements HoldOutcome {
        }

        /** Outside the event's sale window (not open yet, or closed), which {@code sale} names. */
        record NotOnSale(SaleState.NotOnSale sale) implements HoldOutcome {
        }

        record UnknownSeats(List<Long> seatIds) implements HoldOutcome {
        }

        record SeatsUnavailable(List<Integer> seatIds) implements HoldOutcome {
        }

        /** A limit of the account or the address (the limits are named for the answer). */
        record LimitReached(HoldLimits.Limit limit, HoldLimits limits) implements HoldOutcome {
        }

        /** The account gave these seats up a moment ago; they are its to hold again from {@code until}, {@code left} from now. */
        record CoolingDown(List<Integer> seatIds, Instant until, Duration left) implements HoldOutcome {
        }

        /** The key was used before with another request. */
        record KeyReused() implements HoldOutcome {
        }

        /** Contention or throttling outlasted the retries. */
        record Busy(boolean throttled) implements HoldOutcome {
        }
    }

    /** A hold for an account with no address and no session to count (tests, tools). */
    public HoldOutcome hold(String userId, HoldRequest request, Optional<IdempotencyKey> key) {
        return hold(Holder.of(userId), request, key);
    }

    public HoldOutcome hold(Holder holder, HoldRequest request, Optional<IdempotencyKey> key) {
        String userId = holder.userId();
        Optional<String> problem = request.problem(settings.maxSeatsPerBooking());
        if (problem.isPresent()) {
            return new HoldOutcome.Invalid(problem.get());
        }
        Optional<Event> found = catalog.event(request.eventId());
        if (found.isEmpty()) {
            return new HoldOutcome.UnknownEvent(request.eventId());
        }
        Event event = found.get();
        if (event.saleState(clock.instant()) instanceof SaleState.NotOnSale closed) {
            return new HoldOutcome.NotOnSale(closed);
        }
        List<Long> unknown = request.seatIds().stream().filter(id -> id > event.totalSeats()).toList();
        if (!unknown.isEmpty()) {
            return new HoldOutcome.UnknownSeats(unknown);
        }
        List<Booking.BookedSeat> seats = request.sortedSeats().stream().map(id -> bookedSeat(event, id)).toList();
        BigDecimal total = seats.stream().map(Booking.BookedSeat::price).reduce(BigDecimal.ZERO, BigDecimal::add);
        Optional<String> scopedKey = key.map(k -> k.scopedTo(userId, CREATE));
        String fingerprint = CREATE + "|" + request.fingerprint();
        boolean lapsedHoldsCleared = false;
        WriteRetries retries = retries();
        while (retries.another()) {
            Instant now = now();
            Instant ends = holder.sessionEndsAt().filter(end -> end.isBefore(now.plus(settings.holdTime())))
                    .map(end -> end.truncatedTo(ChronoUnit.MILLIS)).orElse(now.plus(settings.holdTime()));
            Booking booking = new Booking(ids.next(), userId, event.id(), BookingStatus.HOLD, seats, total,
                    ends, now, holder.sourceAddress(), Optional.empty());
            Optional<StoredResponse> response = scopedKey.map(k -> stored(k, fingerprint, 201, booking, now));
            BookingStore.Write write = store.hold(booking, settings.limits(), response, now);
            if (retries.backedOff(write)) {
                continue;
            }
            switch (write) {
                case BookingStore.Write.Done done -> {
                    scheduleExpiry(booking, now);
                    return new HoldOutcome.Held(booking);
                }
                case BookingStore.Write.KeyTaken taken -> {
                    Optional<StoredResponse> original = store.storedResponse(scopedKey.orElseThrow(), now());
                    if (original.isPresent()) {
                        return original.get().fingerprint().equals(fingerprint)
                                ? new HoldOutcome.Replayed(original.get().status(), original.get().body())
                                : new HoldOutcome.KeyReused();
                    }
                }
                case BookingStore.Write.SeatsTaken taken -> {
                    return new HoldOutcome.SeatsUnavailable(taken.seatIds());
                }
                case BookingStore.Write.CoolingDown cooling -> {
                    return new HoldOutcome.CoolingDown(cooling.seatIds(), cooling.until(), Duration.between(now(), cooling.until()));
                }
                case BookingStore.Write.LimitReached limit -> {
                    if (lapsedHoldsCleared || limit.limit() == HoldLimits.Limit.HOLD_TIME) {
                        return new HoldOutcome.LimitReached(limit.limit(), settings.limits());
                    }
                    // The counters still count holds whose expiry message has not come yet: end the account's now.
                    for (Booking lapsed : store.holdsOf(userId, event.id()).stream().filter(hold -> !hold.holdLive(now())).toList()) {
                        Expiry ended = expireNow(lapsed);
                        if (!ended.settled()) {
                            return new HoldOutcome.Busy(ended == Expiry.THROTTLED);
                        }
                    }
                    lapsedHoldsCleared = true;
                }
                default -> {
                    // BookingChanged: the id was taken in the same millisecond; the next attempt draws another
                }
            }
        }
        return new HoldOutcome.Busy(retries.throttled());
    }

    /**
     * The caller's own booking as it stands now (another user's is as good as absent): a hold whose time
     * is up reads as EXPIRED even before its expiry message, or any write, has ended it in the table.
     */
    public Optional<Booking> booking(String userId, long bookingId) {
        return ownBooking(userId, bookingId).map(this::asOfNow);
    }

    /** A page of the caller's bookings, newest first, as they stand now. */
    public List<Booking> bookings(String userId, Optional<Long> before, int limit) {
        return store.listForUser(userId, before.orElse(Long.MAX_VALUE), limit).stream().map(this::asOfNow).toList();
    }

    /** The booking as stored: a lapsed hold is still HOLD until something ends it. */
    private Optional<Booking> ownBooking(String userId, long bookingId) {
        return store.find(bookingId).filter(b -> b.userId().equals(userId));
    }

    /** A lapsed hold frees its seats by itself (the hold condition accepts it), so it is EXPIRED whatever the table says. */
    private Booking asOfNow(Booking booking) {
        return booking.status() == BookingStatus.HOLD && !booking.holdLive(now()) ? booking.withStatus(BookingStatus.EXPIRED) : booking;
    }

    /** What a confirm or cancel came to. */
    public sealed interface ChangeOutcome {
        record Changed(Booking booking) implements ChangeOutcome {
        }

        record Replayed(int status, String body) implements ChangeOutcome {
        }

        record NotFound() implements ChangeOutcome {
        }

        /** The booking already ended otherwise (e.g. cancelling a confirmed booking). */
        record NotActive(BookingStatus status) implements ChangeOutcome {
        }

        record HoldExpired() implements ChangeOutcome {
        }

        record PaymentDeclined(String reason) implements ChangeOutcome {
        }

        /** The charge has no answer yet; the seats stay secured until {@code deadline}, when it is settled. */
        record PaymentPending(Instant deadline) implements ChangeOutcome {
        }

        record KeyReused() implements ChangeOutcome {
        }

        record Busy(boolean throttled) implements ChangeOutcome {
        }
    }

    /**
     * Pays for a live hold and sells its seats, in three steps that never charge without seats nor sell
     * without a charge: secure the seats (CONFIRMING: neither cancel, expiry nor another hold takes them),
     * charge under the booking's key, then sell. A declined charge gives the hold back; a charge whose
     * answer is lost leaves the booking CONFIRMING, to be finished by a retried confirm or settled by the
     * expiry path at the payment deadline. Confirming a confirmed booking answers it again.
     */
    public ChangeOutcome confirm(String userId, long bookingId, Optional<IdempotencyKey> key) {
        return change(userId, bookingId, key, CONFIRM, (booking, now, keyed, retries) -> switch (booking.status()) {
            case CONFIRMED -> Optional.of(new ChangeOutcome.Changed(booking));
            // a retry after a lost answer: the key charges once
            case CONFIRMING -> Optional.of(pay(booking, keyed));
            case CANCELLED, EXPIRED -> Optional.of(new ChangeOutcome.NotActive(booking.status()));
            case HOLD -> booking.holdLive(now) ? secureAndPay(booking, now, keyed, retries) : Optional.of(lapsed(booking));
        });
    }

    /** Ends a hold and frees its seats. Cancelling a cancelled booking answers it again. */
    public ChangeOutcome cancel(String userId, long bookingId, Optional<IdempotencyKey> key) {
        return change(userId, bookingId, key, CANCEL, (booking, now, keyed, retries) -> {
            if (booking.status() == BookingStatus.CANCELLED) {
                return Optional.of(new ChangeOutcome.Changed(booking));
            }
            if (booking.status() != BookingStatus.HOLD) {
                return Optional.of(new ChangeOutcome.NotActive(booking.status()));
            }
            if (!booking.holdLive(now)) {
                return Optional.of(lapsed(booking));
            }
            Booking cancelled = booking.withStatus(BookingStatus.CANCELLED);
            BookingStore.Write write = store.finish(booking, BookingStatus.CANCELLED, response(keyed, cancelled, now), now);
            if (retries.backedOff(write)) {
                return Optional.empty();
            }
            return switch (write) {
                case BookingStore.Write.Done done -> {
                    endSession(cancelled);
                    yield Optional.of(new ChangeOutcome.Changed(cancelled));
                }
                case BookingStore.Write.KeyTaken taken -> replayedChange(keyed.scopedKey().orElseThrow(), keyed.fingerprint());
                // a seat's hold lapsed, or the booking was ended by a concurrent call: the next read says how
                default -> Optional.empty();
            };
        });
    }

    /** A change's idempotency key, scoped to its caller and operation (if it has one), and the fingerprint of its meaning. */
    private record Keyed(Optional<String> scopedKey, String fingerprint) {
        static final Keyed NONE = new Keyed(Optional.empty(), "");
    }

    /** The record of a change's 200 answer under its key, when it has one. */
    private Optional<StoredResponse> response(Keyed keyed, Booking answered, Instant now) {
        return keyed.scopedKey().map(k -> stored(k, keyed.fingerprint(), 200, answered, now));
    }

    /** One attempt of a confirm or cancel on the caller's booking as just read: its answer, or empty to read again. */
    @FunctionalInterface
    private interface ChangeAttempt {
        Optional<ChangeOutcome> on(Booking booking, Instant now, Keyed keyed, WriteRetries retries);
    }

    /** A confirm or a cancel: the first answer again under a used key, else attempts on the booking as it stands. */
    private ChangeOutcome change(String userId, long bookingId, Optional<IdempotencyKey> key, String operation, ChangeAttempt attempt) {
        Keyed keyed = new Keyed(key.map(k -> k.scopedTo(userId, operation)), operation + "|booking=" + bookingId);
        Optional<ChangeOutcome> replay = keyed.scopedKey().flatMap(k -> replayedChange(k, keyed.fingerprint()));
        if (replay.isPresent()) {
            return replay.get();
        }
        WriteRetries retries = retries();
        while (retries.another()) {
            Optional<Booking> found = ownBooking(userId, bookingId);
            if (found.isEmpty()) {
                return new ChangeOutcome.NotFound();
            }
            Optional<ChangeOutcome> answer = attempt.on(found.get(), now(), keyed, retries);
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        return new ChangeOutcome.Busy(retries.throttled());
    }

    /** A confirm or cancel of a hold whose time is up: it is ended now, and the answer says so. */
    private ChangeOutcome lapsed(Booking booking) {
        return switch (expireNow(booking)) {
            case CONTENDED -> new ChangeOutcome.Busy(false);
            case THROTTLED -> new ChangeOutcome.Busy(true);
            default -> new ChangeOutcome.HoldExpired();
        };
    }

    /** Secures a live hold's seats until the payment deadline, then pays; empty to read again (contended, or changed). */
    private Optional<ChangeOutcome> secureAndPay(Booking booking, Instant now, Keyed keyed, WriteRetries retries) {
        Instant deadline = now.plus(settings.paymentTimeout());
        BookingStore.Write write = store.secure(booking, deadline, now);
        if (write instanceof BookingStore.Write.Done) {
            return Optional.of(pay(booking.confirming(deadline), keyed));
        }
        retries.backedOff(write); // or a seat lapsed, or the booking changed, since the read: the next read says how
        return Optional.empty();
    }

    /** Charges a CONFIRMING booking and sells its seats, or gives the hold back when the charge is declined. */
    private ChangeOutcome pay(Booking booking, Keyed keyed) {
        Payments.Charge charge;
        try {
            charge = payments.charge(booking.id(), booking.userId(), booking.totalAmount());
        } catch (Payments.Unavailable e) {
            LOG.log(System.Logger.Level.WARNING, "The charge of booking " + booking.id() + " has no answer (" + e.getMessage()
                    + "); its seats stay secured until " + booking.paymentDeadline().orElseThrow());
            return new ChangeOutcome.PaymentPending(booking.paymentDeadline().orElseThrow());
        }
        return switch (charge) {
            case Payments.Charge.Approved approved -> sell(booking, keyed);
            case Payments.Charge.Declined declined -> {
                giveHoldBack(booking);
                yield new ChangeOutcome.PaymentDeclined(declined.reason());
            }
        };
    }

    /** Sells a charged CONFIRMING booking's seats (recording the answer under the key, if any). */
    private ChangeOutcome sell(Booking booking, Keyed keyed) {
        WriteRetries retries = retries();
        while (retries.another()) {
            Instant now = now();
            Booking sold = booking.withStatus(BookingStatus.CONFIRMED);
            BookingStore.Write write = store.finish(booking, BookingStatus.CONFIRMED, response(keyed, sold, now), now);
            if (retries.backedOff(write)) {
                continue;
            }
            switch (write) {
                case BookingStore.Write.Done done -> {
                    endSession(sold);
                    return new ChangeOutcome.Changed(sold);
                }
                case BookingStore.Write.KeyTaken taken -> {
                    Optional<ChangeOutcome> original = replayedChange(keyed.scopedKey().orElseThrow(), keyed.fingerprint());
                    if (original.isPresent()) {
                        return original.get();
                    }
                }
                default -> {
                    // sold meanwhile by the expiry path's settling (or a concurrent confirm): as it stands now
                    Booking current = store.find(booking.id()).orElseThrow();
                    return current.status() == BookingStatus.CONFIRMED ? new ChangeOutcome.Changed(current)
                            : new ChangeOutcome.NotActive(current.status());
                }
            }
        }
        // charged and still CONFIRMING: a retried confirm, or the expiry path at the deadline, sells it
        return new ChangeOutcome.Busy(retries.throttled());
    }

    /** A declined charge: the booking is a HOLD again (if that fails, the expiry path voids and frees it at the deadline). */
    private void giveHoldBack(Booking booking) {
        WriteRetries retries = retries();
        while (retries.another() && retries.backedOff(store.release(booking, now()))) {
            // contended or throttled: again
        }
    }

    /** The first answer under this key again, or KeyReused for another request; empty when the key has no record. */
    private Optional<ChangeOutcome> replayedChange(String scopedKey, String fingerprint) {
        return store.storedResponse(scopedKey, now()).map(original -> original.fingerprint().equals(fingerprint)
                ? new ChangeOutcome.Replayed(original.status(), original.body())
                : new ChangeOutcome.KeyReused());
    }

    /** What an expiry message came to. */
    public enum Expiry {
        /** The hold was ended and its seats freed now. */
        EXPIRED,
        /** The booking had already ended (a duplicate or late message). */
        ALREADY_ENDED,
        /** The hold runs longer than SQS can delay: woken early, the rest is asked for again. */
        NOT_DUE,
        /** A confirm's charge had gone through (its answer lost): settled, the secured seats were sold. */
        SOLD,
        /** No such booking. */
        UNKNOWN,
        /** A confirm's charge could not be settled (the provider did not answer): worth trying again. */
        PAYMENT_UNSETTLED,
        /** Transaction conflicts outlasted the retries: nothing changed, worth trying again. */
        CONTENDED,
        /** Throttling outlasted the retries: nothing changed, worth trying again later. */
        THROTTLED;

        /** Whether the message has done its work (or never can): false asks SQS to deliver it again. */
        public boolean settled() {
            return this != CONTENDED && this != THROTTLED && this != PAYMENT_UNSETTLED;
        }
    }

    /**
     * Ends a hold whose time is up; harmless for a booking that already ended. A confirm still CONFIRMING
     * at its payment deadline (it crashed, or its charge has no answer) is settled: sold if the charge went
     * through, else voided (no later charge can) and its seats freed.
     */
    public Expiry expire(long bookingId) {
        Optional<Booking> found = store.find(bookingId);
        if (found.isEmpty()) {
            return Expiry.UNKNOWN;
        }
        Booking booking = found.get();
        Instant now = now();
        if (booking.status() == BookingStatus.CONFIRMING) {
            Instant deadline = booking.paymentDeadline().orElse(now);
            if (now.isBefore(deadline)) {
                expiryQueue.wakeAt(booking.id(), deadline, now);
                return Expiry.NOT_DUE;
            }
            return settle(booking);
        }
        if (booking.status() != BookingStatus.HOLD) {
            return Expiry.ALREADY_ENDED;
        }
        if (booking.holdLive(now)) {
            expiryQueue.wakeAt(booking.id(), booking.expiresAt(), now);
            return Expiry.NOT_DUE;
        }
        return expireNow(booking);
    }

    private Expiry settle(Booking booking) {
        Payments.Settlement settlement;
        try {
            settlement = payments.settle(booking.id());
        } catch (Payments.Unavailable e) {
            LOG.log(System.Logger.Level.WARNING, "Could not settle the payment of booking " + booking.id() + ": " + e.getMessage());
            return Expiry.PAYMENT_UNSETTLED;
        }
        return switch (settlement) {
            case Payments.Settlement.Charged charged -> switch (sell(booking, Keyed.NONE)) {
                case ChangeOutcome.Changed sold -> Expiry.SOLD;
                case ChangeOutcome.NotActive ended -> Expiry.ALREADY_ENDED;
                case ChangeOutcome.Busy busy -> busy.throttled() ? Expiry.THROTTLED : Expiry.CONTENDED;
                default -> throw new IllegalStateException("selling a settled booking answered otherwise");
            };
            case Payments.Settlement.Voided voided -> expireNow(booking);
        };
    }

    /**
     * Marks a lapsed hold (or a voided confirm) EXPIRED and frees the seats it still holds: EXPIRED, ALREADY_ENDED when it had
     * ended otherwise, or CONTENDED / THROTTLED when DynamoDB kept refusing the write.
     */
    private Expiry expireNow(Booking booking) {
        WriteRetries retries = retries();
        while (retries.another()) {
            BookingStore.Write write = store.finish(booking, BookingStatus.EXPIRED, Optional.empty(), now());
            if (retries.backedOff(write)) {
                continue;
            }
            switch (write) {
                case BookingStore.Write.Done done -> {
                    return Expiry.EXPIRED;
                }
                case BookingStore.Write.BookingChanged ended -> {
                    return Expiry.ALREADY_ENDED;
                }
                default -> {
                    // a seat changed between the read and the write: read again
                }
            }
        }
        return retries.throttled() ? Expiry.THROTTLED : Expiry.CONTENDED;
    }

    /** The purchase is done either way; a session the waiting room can't be told about lapses by itself. */
    private void endSession(Booking booking) {
        try {
            sessionEnd.ended(booking.eventId(), booking.userId());
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not end the waiting-room session of booking " + booking.id(), e);
        }
    }

    private void scheduleExpiry(Booking booking, Instant now) {
        try {
            expiryQueue.wakeAt(booking.id(), booking.expiresAt(), now);
        } catch (SdkException e) {
            // The hold is safe without the message: a lapsed hold never blocks its seats, and the
            // user's next hold (or a confirm or cancel) ends it. Logged so that operators see it.
            LOG.log(System.Logger.Level.ERROR, "Could not schedule the expiry of booking " + booking.id(), e);
        }
    }

    private StoredResponse stored(String scopedKey, String fingerprint, int status, Booking booking, Instant now) {
        return new StoredResponse(scopedKey, fingerprint, status, Json.write(BookingView.of(booking)),
                now.plus(settings.idempotencyTtl()).getEpochSecond());
    }

    /** Milliseconds are what the table keeps: a booking read back equals the one answered. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Booking.BookedSeat bookedSeat(Event event, int seatId) {
        Section section = event.sectionOf(seatId).orElseThrow();
        return new Booking.BookedSeat(seatId, section.name(), section.rowOf(seatId), section.numberOf(seatId), section.price());
    }

    private WriteRetries retries() {
        return new WriteRetries(settings.writeAttempts(), random);
    }
}
