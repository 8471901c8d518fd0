package dev.onsale.waitingroom;

import dev.onsale.http.Guard;
import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
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
 * A fair line per event in front of its seat map and bookings. Fans join (one place each, FIFO by
 * arrival), check in while they wait, and are admitted while fewer than {@code max_concurrent}
 * sessions are open; a session lasts {@code session_duration} or until the fan's purchase is
 * confirmed or cancelled ({@link #endSession}). Every operation is O(1) or O(log max_concurrent)
 * in Redis, whatever the length of the line.
 */
public final class WaitingRoomService {
    /** The most sessions a room may keep open at once. */
    static final int MAX_CONCURRENT_LIMIT = 1_000_000;
    /** The longest session a room may give, in seconds (a day). */
    static final int SESSION_SECONDS_LIMIT = 86_400;
    /** {@link #SESSION_SECONDS_LIMIT} as a duration: the longest an access token lasts (as long as its session). */
    static final Duration LONGEST_SESSION = Duration.ofSeconds(SESSION_SECONDS_LIMIT);

    private final WaitingRoomStore store;
    private final AdmissionTokens tokens;
    private final Config.WaitingRoom settings;
    private final Clock clock;

    public WaitingRoomService(WaitingRoomStore store, AdmissionTokens tokens, Config.WaitingRoom settings, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
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

    /** A room's switches. */
    public record RoomSettings(boolean enabled, int maxConcurrent, int sessionSeconds) {
    }

    /** Where a fan stands in an event's line. */
    public sealed interface Standing {
        /** The room is off: everyone goes straight in. */
        record Open() implements Standing {
        }

        /**
         * In line. {@code position} 1 is next; {@code pollAfterSeconds} is when to check in again (a fan
         * who stops checking in for the stall window loses the place).
         */
        record Queued(long position, long estimatedWaitSeconds, int pollAfterSeconds) implements Standing {
        }

        /** In: present {@code accessToken} on the seat map and booking calls until {@code sessionEndsAt}. */
        record Admitted(String accessToken, Instant sessionEndsAt, long secondsLeft) implements Standing {
        }

        /** The session is over (its time ran out, or the purchase was confirmed or cancelled). */
        record Ended() implements Standing {
        }

        /** The fan stopped checking in and the line moved past the place. */
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
        record Known(Standing standing) implements StatusOutcome {
        }

        /** A forged, expired or foreign token; {@code reason} is safe to show. */
        record BadToken(String reason) implements StatusOutcome {
        }
    }

    /** A room at a glance. */
    public record Stats(long eventId, boolean enabled, long queueSize, long activeSessions, int maxConcurrent,
                        int sessionSeconds, double admissionsPerMinute) {
        public int slotsAvailable() {
            return (int) Math.max(0, maxConcurrent - activeSessions);
        }
    }

    /**
     * What is wrong with the switches asked for a room, named as the enable route's parameters
     * ({@code max_concurrent}, {@code session_duration}); empty when {@link #enable} takes them. Absent
     * ones take the defaults ({@code WAITING_ROOM_MAX_CONCURRENT}, {@code WAITING_ROOM_SESSION_SECONDS}).
     * The one check of the enable route and of an event created with its room on.
     */
    public Optional<String> settingsProblem(OptionalInt maxConcurrent, OptionalInt sessionSeconds) {
        int max = maxConcurrent.orElse(settings.defaultMaxConcurrent());
        if (max < 1 || max > MAX_CONCURRENT_LIMIT) {
            return Optional.of("max_concurrent must be between 1 and " + MAX_CONCURRENT_LIMIT);
        }
        int session = sessionSeconds.orElse((int) settings.defaultSession().toSeconds());
        if (session < 1 || session > SESSION_SECONDS_LIMIT) {
            return Optional.of("session_duration must be between 1 and " + SESSION_SECONDS_LIMIT);
        }
        return Optional.empty();
    }

    /** Turns the room on (or changes its switches; its line stays); absent switches take the defaults. */
    public RoomSettings enable(long eventId, OptionalInt maxConcurrent, OptionalInt sessionSeconds) {
        settingsProblem(maxConcurrent, sessionSeconds).ifPresent(problem -> {
            throw new IllegalArgumentException(problem + " (check with settingsProblem first)");
        });
        int max = maxConcurrent.orElse(settings.defaultMaxConcurrent());
        int session = sessionSeconds.orElse((int) settings.defaultSession().toSeconds());
        store.enable(eventId, max, session);
        return new RoomSettings(true, max, session);
    }

    public RoomSettings enable(long eventId, int maxConcurrent, int sessionSeconds) {
        return enable(eventId, OptionalInt.of(maxConcurrent), OptionalInt.of(sessionSeconds));
    }

    /** Turns the room off (everyone passes) and drops its line; answers the settings it had. */
    public RoomSettings disable(long eventId) {
        WaitingRoomStore.Counts before = store.disable(eventId);
        return new RoomSettings(false, before.maxConcurrent(), before.sessionSeconds());
    }

    /** Takes a place at the back of the line, or gives back the place (and token) the user already has. */
    public Joined join(long eventId, String userId) {
        return joined(eventId, userId, store.join(eventId, userId));
    }

    /** {@link #join}, pipelined: for bulk callers (the benchmark) that keep many joins in flight. */
    public CompletionStage<Joined> joinAsync(long eventId, String userId) {
        return store.joinAsync(eventId, userId).thenApply(visit -> joined(eventId, userId, visit));
    }

    /**
     * Checks in with a queue token: keeps the place alive, admits whoever's turn it is while sessions
     * are free, and says where the holder stands. {@code caller}, when the request is signed in, must be
     * the token's user.
     */
    public StatusOutcome status(long eventId, String queueToken, Optional<String> caller) {
        return switch (tokens.verify(queueToken, AdmissionTokens.Kind.QUEUE, eventId, caller)) {
            case AdmissionTokens.Verification.Invalid invalid -> new StatusOutcome.BadToken(invalid.reason());
            case AdmissionTokens.Verification.Valid valid -> new StatusOutcome.Known(standing(eventId, valid.claims().userId(),
                    measured(eventId, store.poll(eventId, valid.claims().userId(), valid.claims().ticket(),
                            settings.stallWindow().toSeconds()))));
        };
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
        if (counts.enabled()) {
            Metrics.gauge("WaitingRoomQueueSize", counts.issued() - counts.admittedTo(), "EventId", Long.toString(eventId));
        }
        return new Stats(eventId, counts.enabled(), counts.issued() - counts.admittedTo(), counts.activeSessions(),
                counts.maxConcurrent(), counts.sessionSeconds(), counts.admissionsPerSecond() * 60);
    }

    /**
     * Ends the user's session for the event, so the next fan in line is admitted at the next check-in.
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
        // a function of the place alone, so joining again answers the very same token
        Instant expires = visit.state() == WaitingRoomStore.State.OPEN
                ? clock.instant().plus(settings.queueTokenTtl())
                : visit.joinedAt().plus(settings.queueTokenTtl());
        String token = tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, eventId, userId, visit.ticket(), expires));
        return new Joined(token, standing(eventId, userId, measured(eventId, visit)));
    }

    /** Reports what a join or check-in learnt of the line anyway (its length, the fans it let in): no extra call. */
    private static WaitingRoomStore.Visit measured(long eventId, WaitingRoomStore.Visit visit) {
        if (visit.state() != WaitingRoomStore.State.OPEN && visit.state() != WaitingRoomStore.State.NOT_IN_QUEUE) {
            String event = Long.toString(eventId);
            Metrics.gauge("WaitingRoomQueueSize", visit.queueSize(), "EventId", event);
            if (visit.admittedNow() > 0) {
                Metrics.count("Admissions", visit.admittedNow(), "EventId", event);
            }
        }
        return visit;
    }

    private Standing standing(long eventId, String userId, WaitingRoomStore.Visit visit) {
        return switch (visit.state()) {
            case OPEN -> new Standing.Open();
            case QUEUED -> {
                long wait = estimatedWaitSeconds(visit);
                yield new Standing.Queued(visit.position(), wait, pollAfterSeconds(wait));
            }
            case ADMITTED -> new Standing.Admitted(tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS,
                    eventId, userId, visit.ticket(), visit.sessionEndsAt())), visit.sessionEndsAt(),
                    Math.max(0, Duration.between(visit.now(), visit.sessionEndsAt()).toSeconds()));
            case ENDED -> new Standing.Ended();
            case LAPSED -> new Standing.Lapsed();
            case NOT_IN_QUEUE -> new Standing.NotInQueue();
        };
    }

    /**
     * The places that must free up before this one ({@code position - free slots}) over the measured
     * admission rate. Before anything was admitted there is no measurement yet: then the rate the room
     * would have if every session ran its full length.
     */
    static long estimatedWaitSeconds(WaitingRoomStore.Visit visit) {
        long ahead = visit.position() - visit.freeSlots();
        if (ahead <= 0) {
            return 0;
        }
        double perSecond = visit.admissionsPerSecond() > 0
                ? visit.admissionsPerSecond()
                : (double) visit.maxConcurrent() / Math.max(1, visit.sessionSeconds());
        return (long) Math.ceil(ahead / perSecond);
    }

    /**
     * Often near the front, seldom far back (a million fans polling every second would be a million calls a second), and always
     * well within the stall window; never sooner than the poll interval, which is the pace the status route's per-user limit lets through.
     */
    int pollAfterSeconds(long estimatedWaitSeconds) {
        long soonest = settings.pollInterval().toSeconds();
        long ceiling = Math.max(soonest, Math.min(10, settings.stallWindow().toSeconds() / 3));
        return (int) Math.clamp(estimatedWaitSeconds / 10, soonest, ceiling);
    }
}
