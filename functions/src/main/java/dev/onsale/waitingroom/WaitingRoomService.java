package dev.onsale.waitingroom;

import dev.onsale.http.Guard;
import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Randomness;
import dev.onsale.platform.Redis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A fair line per event in front of its seat map and bookings. Fans join (one place each) and wait; a door calls
 * places in line order while fewer than {@code max_concurrent} sessions are open and, when set, no faster than
 * {@code admit_per_minute}; a called fan claims the turn at its next check-in (within the claim window) and gets a
 * session of {@code session_duration}, which ends early when its purchase is confirmed or cancelled ({@link #endSession}).
 *
 * <p>With a pre-queue ({@code pre_queue_opens_at}, before the event's {@code on_sale_at}), the fans who join before the
 * opening are placed ahead of everyone who comes later, in a lottery order drawn from a seed recorded with the room:
 * arriving early gives no advantage over arriving on time.
 *
 * <p>A status poll costs Redis nothing while the fan's turn is not near: the queue token carries the fan's line
 * number, and each function instance reads a room's door at most once per {@code WAITING_ROOM_DOOR_READ_MS}
 * ({@link Doors}); only a fan the door has reached (to claim the turn) or whose line number is not drawn yet goes to
 * Redis. Abandonment is therefore found at a fan's turn (the claim window), not by check-ins while waiting.
 */
public final class WaitingRoomService {
    /** The most sessions a room may keep open at once. */
    static final int MAX_CONCURRENT_LIMIT = 1_000_000;
    /** The longest session a room may give, in seconds (a day). */
    static final int SESSION_SECONDS_LIMIT = 86_400;
    /** The highest admission rate a room may set, per minute. */
    static final int ADMIT_PER_MINUTE_LIMIT = 1_000_000;
    /** {@link #SESSION_SECONDS_LIMIT} as a duration: the longest an access token lasts (as long as its session). */
    static final Duration LONGEST_SESSION = Duration.ofSeconds(SESSION_SECONDS_LIMIT);

    private final WaitingRoomStore store;
    private final AdmissionTokens tokens;
    private final Config.WaitingRoom settings;
    private final Clock clock;
    private final Doors doors;

    public WaitingRoomService(WaitingRoomStore store, AdmissionTokens tokens, Config.WaitingRoom settings, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
        this.doors = new Doors(settings.doorRead(), clock, eventId -> store.tick(eventId, settings.claimWindow().toMillis()));
    }

    public static WaitingRoomService create(Config config) {
        return create(config, Redis.shared(config.redis()));
    }

    /**
     * The service on the given Redis connection. Its tokens use the keys of {@code WAITING_ROOM_SECRET_ARN}, read at
     * once in the background; a function without that variable signs and verifies none ({@link TokenKeyRing#of}).
     */
    public static WaitingRoomService create(Config config, Redis redis) {
        Clock clock = Clock.systemUTC();
        return new WaitingRoomService(new WaitingRoomStore(redis), new AdmissionTokens(TokenKeyRing.of(config), clock),
                config.waitingRoom(), clock);
    }

    /**
     * The longest a token of the room stays good: a queue token's lifetime, or the longest session (an access token
     * lasts as long as its session). A key must go on verifying this long after the last token it signed.
     */
    public static Duration longestTokenLifetime(Config.WaitingRoom settings) {
        return settings.queueTokenTtl().compareTo(LONGEST_SESSION) >= 0 ? settings.queueTokenTtl() : LONGEST_SESSION;
    }

    public Config.WaitingRoom settings() {
        return settings;
    }

    /** The switches asked for a room; absent ones take the defaults. */
    public record Switches(OptionalInt maxConcurrent, OptionalInt sessionSeconds, OptionalInt admitPerMinute,
                           Optional<Instant> preQueueOpensAt) {
        public static final Switches DEFAULTS = new Switches(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    /** A room's switches; {@code admitPerMinute} 0: no rate cap; the pre-queue's times when it has one. */
    public record RoomSettings(boolean enabled, int maxConcurrent, int sessionSeconds, int admitPerMinute,
                               Optional<Instant> preQueueOpensAt, Optional<Instant> opensAt) {
    }

    /** Where a fan stands in an event's line. */
    public sealed interface Standing {
        /** The room is off: everyone goes straight in. */
        record Open() implements Standing {
        }

        /** The room's pre-queue opens at {@code preQueueOpensAt}: nobody can join before. */
        record NotOpen(Instant preQueueOpensAt) implements Standing {
        }

        /** In the pre-queue: the lottery places everyone in it ahead of later arrivals when the sale opens at {@code opensAt}. */
        record PreQueue(Instant opensAt, long preQueueSize, int pollAfterSeconds) implements Standing {
        }

        /**
         * In line. {@code position} 1 is next; the wait is a range the line can justify (see {@link #estimate});
         * {@code pollAfterSeconds} is when to check in again (a fan whose turn came must check in within the claim window).
         */
        record Queued(long position, long estimatedWaitSeconds, long estimatedWaitMaxSeconds, int pollAfterSeconds)
                implements Standing {
        }

        /** In: present {@code accessToken} on the seat map and booking calls until {@code sessionEndsAt}. */
        record Admitted(String accessToken, Instant sessionEndsAt, long secondsLeft) implements Standing {
        }

        /** The session is over (its time ran out, or the purchase was confirmed or cancelled). */
        record Ended() implements Standing {
        }

        /** The fan's turn came and was not claimed within the claim window. */
        record Lapsed() implements Standing {
        }

        /** The token's place is not the fan's place any more (joined again later, or the room was reset). */
        record NotInQueue() implements Standing {
        }
    }

    /** A join: the queue token to check in with (the same on every join of the same place), and the standing. */
    public record Joined(String queueToken, Standing standing) {
    }

    /** What checking in with a queue token came to. */
    public sealed interface StatusOutcome {
        /** {@code queueToken}: a new queue token to check in with from now on (the pre-queue was drawn), or empty. */
        record Known(Standing standing, Optional<String> queueToken) implements StatusOutcome {
            public Known(Standing standing) {
                this(standing, Optional.empty());
            }
        }

        /** A forged, expired or foreign token; {@code reason} is safe to show. */
        record BadToken(String reason) implements StatusOutcome {
        }
    }

    /**
     * A room at a glance, with its analytics: {@code awaitingClaim} fans called whose claim window is still open (each
     * keeps a slot), {@code admittedLastMinute} fans admitted in the last whole minute,
     * {@code abandoned} turns that lapsed unclaimed, {@code waitP50Seconds}/{@code waitP95Seconds} how long admitted
     * fans had waited (upper bounds of powers of two), {@code lotterySeed} once the pre-queue was drawn,
     * {@code codesRedeemed} sessions presale codes gave ({@link BypassAdmission}).
     */
    public record Stats(long eventId, boolean enabled, long queueSize, long activeSessions, long awaitingClaim, int maxConcurrent,
                        int sessionSeconds, double admissionsPerMinute, int admitPerMinute, long preQueueSize,
                        Optional<Instant> opensAt, Optional<String> lotterySeed, long admitted, long abandoned,
                        long admittedLastMinute, long waitP50Seconds, long waitP95Seconds, long codesRedeemed) {
        public int slotsAvailable() {
            return (int) Math.max(0, maxConcurrent - activeSessions - awaitingClaim);
        }
    }

    /**
     * What is wrong with the switches asked for a room, named as the enable route's parameters; empty when
     * {@link #enable} takes them. {@code saleOpensAt} is the event's {@code on_sale_at}: a pre-queue opens before it.
     * The one check of the enable route and of an event created with its room on.
     */
    public Optional<String> settingsProblem(Switches asked, Optional<Instant> saleOpensAt) {
        int max = asked.maxConcurrent().orElse(settings.defaultMaxConcurrent());
        if (max < 1 || max > MAX_CONCURRENT_LIMIT) {
            return Optional.of("max_concurrent must be between 1 and " + MAX_CONCURRENT_LIMIT);
        }
        int session = asked.sessionSeconds().orElse((int) settings.defaultSession().toSeconds());
        if (session < 1 || session > SESSION_SECONDS_LIMIT) {
            return Optional.of("session_duration must be between 1 and " + SESSION_SECONDS_LIMIT);
        }
        int rate = asked.admitPerMinute().orElse(settings.defaultAdmitPerMinute());
        if (rate < 0 || rate > ADMIT_PER_MINUTE_LIMIT) {
            return Optional.of("admit_per_minute must be between 0 (no rate cap) and " + ADMIT_PER_MINUTE_LIMIT);
        }
        if (asked.preQueueOpensAt().isPresent()) {
            if (saleOpensAt.isEmpty() || !asked.preQueueOpensAt().get().isBefore(saleOpensAt.get())) {
                return Optional.of("pre_queue_opens_at must be before the event's on_sale_at"
                        + saleOpensAt.map(at -> " (" + at + ")").orElse(""));
            }
            if (!saleOpensAt.get().isAfter(clock.instant())) {
                return Optional.of("a pre-queue needs an on_sale_at still to come (the sale opened at " + saleOpensAt.get() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Turns the room on (or changes its switches; its line stays); absent switches take the defaults. With a pre-queue
     * the lottery's seed is drawn here, once per room, from a secure source, and kept secret until the opening.
     */
    public RoomSettings enable(long eventId, Switches asked, Optional<Instant> saleOpensAt) {
        settingsProblem(asked, saleOpensAt).ifPresent(problem -> {
            throw new IllegalArgumentException(problem + " (check with settingsProblem first)");
        });
        int max = asked.maxConcurrent().orElse(settings.defaultMaxConcurrent());
        int session = asked.sessionSeconds().orElse((int) settings.defaultSession().toSeconds());
        int rate = asked.admitPerMinute().orElse(settings.defaultAdmitPerMinute());
        Optional<Instant> opensAt = asked.preQueueOpensAt().flatMap(at -> saleOpensAt);
        store.enable(eventId, max, session, rate, asked.preQueueOpensAt().map(Instant::toEpochMilli).orElse(0L),
                opensAt.map(Instant::toEpochMilli).orElse(0L), opensAt.map(at -> LotterySeed.draw()));
        doors.forget(eventId);
        return new RoomSettings(true, max, session, rate, asked.preQueueOpensAt(), opensAt);
    }

    /** A room without a pre-queue nor a rate cap, with these caps (tests, benchmarks). */
    public RoomSettings enable(long eventId, int maxConcurrent, int sessionSeconds) {
        return enable(eventId, new Switches(OptionalInt.of(maxConcurrent), OptionalInt.of(sessionSeconds), OptionalInt.of(0),
                Optional.empty()), Optional.empty());
    }

    /** Turns the room off (everyone passes) and drops its line; answers the settings it had. */
    public RoomSettings disable(long eventId) {
        WaitingRoomStore.Counts before = store.disable(eventId);
        doors.forget(eventId);
        return new RoomSettings(false, before.maxConcurrent(), before.sessionSeconds(), before.admitPerMinute(),
                Optional.empty(), Optional.empty());
    }

    /** Takes a place at the back of the line (or in the pre-queue), or gives back the place (and token) the user already has. */
    public Joined join(long eventId, String userId) {
        return joined(eventId, userId, store.join(eventId, userId, settings.claimWindow().toMillis()));
    }

    /** {@link #join}, pipelined: for bulk callers (the benchmark) that keep many joins in flight. */
    public CompletionStage<Joined> joinAsync(long eventId, String userId) {
        return store.joinAsync(eventId, userId, settings.claimWindow().toMillis()).thenApply(visit -> joined(eventId, userId, visit));
    }

    /**
     * Checks in with a queue token and says where its holder stands. From the instance's reading of the room's door
     * alone while the fan's turn has not come; else one call to Redis, which claims the turn (the session starts) or
     * says it lapsed, and draws a pre-queued fan's line number. {@code caller}, when the request is signed in, must
     * be the token's user.
     */
    public StatusOutcome status(long eventId, String queueToken, Optional<String> caller) {
        return switch (tokens.verify(queueToken, AdmissionTokens.Kind.QUEUE, eventId, caller)) {
            case AdmissionTokens.Verification.Invalid invalid -> new StatusOutcome.BadToken(invalid.reason());
            case AdmissionTokens.Verification.Valid valid -> status(eventId, valid.claims());
        };
    }

    private StatusOutcome status(long eventId, AdmissionTokens.Claims claims) {
        WaitingRoomStore.Room room = doors.current(eventId);
        switch (room.state()) {
            case OFF -> {
                return new StatusOutcome.Known(new Standing.Open());
            }
            case NOT_OPEN, PRE_QUEUE -> {
                return new StatusOutcome.Known(preQueued(room));
            }
            case ON -> {
                if (claims.line() > 0 && !mayBeAdmitted(claims.line() - room.calledTo(), room)) {
                    return new StatusOutcome.Known(queued(claims.line() - room.calledTo(), room));
                }
            }
        }
        WaitingRoomStore.Visit visit = measured(eventId, store.claim(eventId, claims.userId(), claims.ticket(),
                settings.claimWindow().toMillis()));
        doors.offer(eventId, visit.room());
        Optional<String> drawn = claims.line() == 0 && visit.place().line() > 0
                ? Optional.of(queueToken(eventId, claims.userId(), visit.place())) : Optional.empty();
        return new StatusOutcome.Known(standing(eventId, claims.userId(), visit), drawn);
    }

    /**
     * Whether the fan {@code position} places past the door may be called at this check-in: within the free slots and,
     * under a rate cap, within a second's admissions. Only such a fan's poll goes to Redis (to move the door and claim).
     */
    static boolean mayBeAdmitted(long position, WaitingRoomStore.Room room) {
        if (position <= 0) {
            return true;
        }
        long withinRate = room.admitPerMinute() > 0 ? Math.max(1, room.admitPerMinute() / 60) : Long.MAX_VALUE;
        return position <= Math.min(room.freeSlots(), withinRate);
    }

    /**
     * The place a status request checks in on, for that route's per-place limit: {@code user:event} of a queue token good
     * for the path's event (verified in memory, no Redis), or empty when the request carries none. Per event, since each
     * room asks its own pace of a fan who waits in two.
     */
    public Optional<String> placeOf(Guard.Request request) {
        String token = request.query() == null ? null : request.query().get("token");
        OptionalLong eventId = AdmissionGuard.eventInPath(request);
        if (token == null || eventId.isEmpty()) {
            return Optional.empty();
        }
        return switch (tokens.verify(token, AdmissionTokens.Kind.QUEUE, eventId.getAsLong(), Optional.empty())) {
            case AdmissionTokens.Verification.Valid valid -> Optional.of(valid.claims().userId() + ":" + eventId.getAsLong());
            case AdmissionTokens.Verification.Invalid invalid -> Optional.empty();
        };
    }

    /**
     * What is wrong with the queue token of a status request that names no place ({@link #placeOf} is empty), to end
     * the sentence "this request carries ...": no token, or the token's fault (expired, signed with a key rotated out, ...).
     */
    public String whyNoPlace(Guard.Request request) {
        String token = request.query() == null ? null : request.query().get("token");
        OptionalLong eventId = AdmissionGuard.eventInPath(request);
        if (token == null || token.isBlank()) {
            return "no queue token";
        }
        if (eventId.isEmpty()) {
            return "a token, but the path names no event";
        }
        return switch (tokens.verify(token, AdmissionTokens.Kind.QUEUE, eventId.getAsLong(), Optional.empty())) {
            case AdmissionTokens.Verification.Invalid invalid -> "a token that is not good for this room: " + invalid.reason();
            case AdmissionTokens.Verification.Valid valid -> "a token that is not good for this room";
        };
    }

    public Stats stats(long eventId) {
        WaitingRoomStore.Counts counts = store.counts(eventId);
        long queueSize = Math.max(0, counts.issued() - counts.calledTo());
        String event = Long.toString(eventId);
        if (counts.enabled()) {
            Metrics.gauge("WaitingRoomQueueSize", queueSize, "EventId", event);
            Metrics.gauge("WaitingRoomAbandoned", counts.lapsed(), "EventId", event);
            if (counts.opensAt().toEpochMilli() > 0) {
                Metrics.gauge("WaitingRoomPreQueueSize", counts.preQueued() >= 0 ? counts.preQueued() : counts.issued(), "EventId", event);
            }
        }
        long minute = counts.now().getEpochSecond() / 60;
        boolean drawn = counts.preQueued() >= 0 && counts.opensAt().toEpochMilli() > 0;
        return new Stats(eventId, counts.enabled(), queueSize, counts.activeSessions(), counts.calledSessions(), counts.maxConcurrent(),
                counts.sessionSeconds(), counts.callsPerSecond() * 60, counts.admitPerMinute(),
                counts.preQueued() >= 0 ? counts.preQueued() : counts.issued(),
                counts.opensAt().toEpochMilli() > 0 ? Optional.of(counts.opensAt()) : Optional.empty(),
                drawn && !counts.seed().isEmpty() ? Optional.of(counts.seed()) : Optional.empty(),
                counts.claimed(), counts.lapsed(), counts.waits().getOrDefault("m" + (minute - 1), 0L),
                waitQuantile(counts.waits(), 0.50), waitQuantile(counts.waits(), 0.95), counts.codesRedeemed());
    }

    /** The q-quantile of the admitted fans' waits, from {@code room.lua}'s power-of-two buckets: the bucket's upper bound. */
    static long waitQuantile(java.util.Map<String, Long> waits, double q) {
        java.util.TreeMap<Integer, Long> buckets = new java.util.TreeMap<>();
        waits.forEach((field, count) -> {
            if (field.startsWith("b")) {
                buckets.put(Integer.parseInt(field.substring(1)), count);
            }
        });
        long total = buckets.values().stream().mapToLong(Long::longValue).sum();
        long seen = 0;
        for (var bucket : buckets.entrySet()) {
            seen += bucket.getValue();
            if (seen >= Math.ceil(q * total)) {
                return bucket.getKey() == 0 ? 0 : 1L << bucket.getKey();
            }
        }
        return 0;
    }

    /**
     * Ends the user's session for the event, so the door can call the next fan in line.
     * The booking flow calls it when a purchase is confirmed or cancelled. Answers whether a session ended.
     */
    public boolean endSession(long eventId, String userId) {
        return store.leave(eventId, userId);
    }

    /**
     * When the caller's session for the event ends, read from its access token (signature, event, user and
     * expiry checked in memory: no Redis); empty without a valid one. A hold made in a session ends by then.
     */
    public Optional<Instant> sessionEnd(long eventId, String userId, Optional<String> accessToken) {
        return accessToken.map(token -> tokens.verify(token, AdmissionTokens.Kind.ACCESS, eventId, Optional.of(userId)))
                .flatMap(verified -> verified instanceof AdmissionTokens.Verification.Valid valid
                        ? Optional.of(valid.claims().expiresAt()) : Optional.empty());
    }

    /** The admission guard of a route whose path names the event ({@code {event_id}}); see {@link AdmissionGuard}. */
    public AdmissionGuard admissionGuard(AdmissionGuard.WhenRedisUnavailable policy) {
        return admissionGuard(policy, AdmissionGuard::eventInPath);
    }

    /**
     * The admission guard of a route that carries its event elsewhere, e.g. {@code POST /api/v1/bookings}
     * (in its body): {@code eventOf} reads it from the guard's request.
     */
    public AdmissionGuard admissionGuard(AdmissionGuard.WhenRedisUnavailable policy,
                                         Function<Guard.Request, OptionalLong> eventOf) {
        return new AdmissionGuard(store, tokens, policy, eventOf);
    }

    private Joined joined(long eventId, String userId, WaitingRoomStore.Visit visit) {
        doors.offer(eventId, visit.room());
        measured(eventId, visit);
        if (visit.room().state() == WaitingRoomStore.RoomState.NOT_OPEN) {
            return new Joined(null, new Standing.NotOpen(visit.room().preQueueOpensAt()));
        }
        String token = visit.room().state() == WaitingRoomStore.RoomState.OFF
                ? tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, eventId, userId, 0,
                        clock.instant().plus(settings.queueTokenTtl())))
                : queueToken(eventId, userId, visit.place());
        return new Joined(token, standing(eventId, userId, visit));
    }

    /** A place's queue token: a function of the place alone, so joining again answers the very same token. */
    private String queueToken(long eventId, String userId, WaitingRoomStore.Place place) {
        return tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, eventId, userId, place.ticket(), place.line(),
                place.joinedAt().plus(settings.queueTokenTtl())));
    }

    /** Reports what a join or check-in learnt of the line anyway (its length, the fans it called and let in): no extra call. */
    private static WaitingRoomStore.Visit measured(long eventId, WaitingRoomStore.Visit visit) {
        if (visit.room().state() != WaitingRoomStore.RoomState.OFF && visit.place().state() != WaitingRoomStore.PlaceState.NOT_IN_QUEUE) {
            String event = Long.toString(eventId);
            Metrics.gauge("WaitingRoomQueueSize", visit.room().waiting(), "EventId", event);
            if (visit.place().claimedNow() > 0) {
                // a claim is where the door has moved on: the abandoned turns change there, not at a join
                Metrics.gauge("WaitingRoomAbandoned", visit.room().lapsed(), "EventId", event);
                Metrics.count("Admissions", visit.place().claimedNow(), "EventId", event);
                Metrics.seconds("WaitingRoomWaitSeconds",
                        Math.max(0, Duration.between(visit.place().joinedAt(), visit.room().now()).toSeconds()), "EventId", event);
            }
        }
        return visit;
    }

    private Standing standing(long eventId, String userId, WaitingRoomStore.Visit visit) {
        WaitingRoomStore.Room room = visit.room();
        WaitingRoomStore.Place place = visit.place();
        if (room.state() == WaitingRoomStore.RoomState.OFF) {
            return new Standing.Open();
        }
        return switch (place.state()) {
            case NONE, NOT_IN_QUEUE -> new Standing.NotInQueue();
            case PRE_QUEUE -> preQueued(room);
            // called: the turn is the fan's to claim at the next check-in, which comes at once
            case QUEUED, CALLED -> queued(Math.max(1, place.line() - room.calledTo()), room);
            case ADMITTED -> new Standing.Admitted(tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS,
                    eventId, userId, place.ticket(), place.sessionEndsAt())), place.sessionEndsAt(),
                    Math.max(0, Duration.between(room.now(), place.sessionEndsAt()).toSeconds()));
            case ENDED -> new Standing.Ended();
            case LAPSED -> new Standing.Lapsed();
        };
    }

    private Standing preQueued(WaitingRoomStore.Room room) {
        if (room.state() == WaitingRoomStore.RoomState.NOT_OPEN) {
            return new Standing.NotOpen(room.preQueueOpensAt());
        }
        long untilOpening = Math.max(0, Duration.between(clock.instant(), room.opensAt()).toSeconds());
        return new Standing.PreQueue(room.opensAt(), room.issued(), pollAfterSeconds(untilOpening));
    }

    private Standing.Queued queued(long position, WaitingRoomStore.Room room) {
        Estimate wait = estimate(position, room);
        // near the front a turn may come any moment (a purchase ends a session early): no longer apart than the places ahead
        return new Standing.Queued(position, wait.seconds(), wait.maxSeconds(), pollAfterSeconds(Math.min(wait.seconds(), 3 * position)));
    }

    /** An estimated wait: the soonest the line can justify and the longest it guarantees. */
    record Estimate(long seconds, long maxSeconds) {
    }

    /**
     * The wait of the fan at {@code position}, as a range the line can justify. The places ahead that the free slots do
     * not take at once must be called first. At the soonest: only the share of them still present (the share of called
     * fans who claimed their turn), at the pace the door achieved (never below the floor). At the latest: all of them,
     * at the floor: the pace the caps guarantee while fans wait ({@code max_concurrent} sessions of full length, or
     * {@code admit_per_minute} when that is slower), since ended sessions and lapsed turns only make the door faster.
     */
    static Estimate estimate(long position, WaitingRoomStore.Room room) {
        long ahead = Math.max(0, position - room.freeSlots());
        if (ahead == 0) {
            return new Estimate(0, 0);
        }
        // the floor as seconds per call, so that whole figures stay whole (10 places at 3 s are 30 s, not 30.000001)
        double floorSecondsPerCall = (double) Math.max(1, room.sessionSeconds()) / Math.max(1, room.maxConcurrent());
        double ceilingPerSecond = Double.MAX_VALUE;
        if (room.admitPerMinute() > 0) {
            floorSecondsPerCall = Math.max(floorSecondsPerCall, 60.0 / room.admitPerMinute());
            ceilingPerSecond = room.admitPerMinute() / 60.0;
        }
        double achieved = Math.min(ceilingPerSecond, room.callsPerSecond());
        double present = ahead * room.presence();
        long soonest = achieved * floorSecondsPerCall > 1
                ? (long) Math.ceil(present / achieved) : (long) Math.ceil(present * floorSecondsPerCall);
        return new Estimate(soonest, (long) Math.ceil(ahead * floorSecondsPerCall));
    }
    /**
     * Often near the front, seldom far back (a million fans polling every second would be a million calls a second),
     * never sooner than the poll interval (the pace the status route's per-place limit lets through) and never later than
     * half the claim window, so a fan whose turn comes sooner than estimated still claims it; jittered by up to a fifth,
     * so a crowd that joined together does not poll together.
     */
    int pollAfterSeconds(long estimatedWaitSeconds) {
        long soonest = settings.pollInterval().toSeconds();
        long latest = settings.longestPollInterval().toSeconds();
        long base = Math.clamp(estimatedWaitSeconds / 3, soonest, latest);
        long jittered = base - Randomness.shared().nextInt((int) (base / 5) + 1);
        return (int) Math.clamp(jittered, soonest, latest);
    }
}
