package dev.onsale.catalog;

import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Randomness;
import dev.onsale.platform.Redis;
import dev.onsale.waitingroom.WaitingRoomService;
import io.lettuce.core.RedisException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** Events and their seat maps: created in DynamoDB, read through Redis so a surge reads the table rarely. */
public final class CatalogService {
    private static final System.Logger LOG = System.getLogger(CatalogService.class.getName());
    /** How long an unknown event id is remembered as unknown. */
    static final Duration MISSING_FOR = Duration.ofSeconds(5);
    private static final Duration WAIT_STEP = Duration.ofMillis(20);

    /**
     * How long after Redis last found an instance's copy current that copy still stands in, while Redis does
     * not answer (a blip costs no table read; a longer outage falls back to reading the table, once per fresh
     * period) or while another caller rebuilds a missing map.
     */
    static final Duration STALE_COPY_SERVED_FOR = Duration.ofSeconds(5);
    /** Events' seat maps whose copies an instance keeps; a map of 100,000 seats is ~100 KB of states plus its bodies. */
    private static final int MAX_COPIES = 32;

    private final CatalogStore store;
    private final LiveSeatMap liveMaps;
    private final EventCache events;
    private final WaitingRoomService rooms;
    private final Clock clock;
    private final Settings settings;
    /** This instance's last copy of each event's map, revalidated by version on every read. */
    private final ConcurrentHashMap<Long, SeatMapView> copies = new ConcurrentHashMap<>();
    /** When each copy was last found current (or fetched) in Redis. */
    private final ConcurrentHashMap<Long, Instant> validatedAt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Event> layouts = new ConcurrentHashMap<>();
    private final AtomicLong rebuilds = new AtomicLong();
    /** Used only while Redis is unreachable: one rebuild per event per fresh period in this container. */
    private final ConcurrentHashMap<Long, CompletableFuture<LocalCopy>> localCopies = new ConcurrentHashMap<>();

    /**
     * The tunables of the catalog.
     *
     * @param rebuildWait    {@code SEAT_MAP_REBUILD_WAIT_MS}: how long a reader with no copy of its own waits for another's rebuild of a missing map
     * @param rebuildLock    {@code SEAT_MAP_REBUILD_LOCK_MS}: how long one rebuild may take before another caller may start one
     * @param localCopyFresh {@code SEAT_MAP_FRESH_MS}: while Redis is unreachable, how long an instance serves its own read of the table
     * @param redisTimeout   {@code REDIS_TIMEOUT_MS}: how long a read sent ahead (with the guards) is awaited
     */
    public record Settings(Duration rebuildWait, Duration rebuildLock, Duration localCopyFresh, Duration redisTimeout,
                           Duration eventCache, int maxSeatsPerEvent) {
        public static Settings of(Config config) {
            return new Settings(config.seatMapRebuildWait(), config.seatMapRebuildLock(), config.seatMapFresh(),
                    config.redis().timeout(), config.eventCache(), config.maxSeatsPerEvent());
        }
    }

    private record LocalCopy(SeatMapView view, Instant builtAt) {
    }

    /** {@code rooms} switches on the waiting room of an event created with one. */
    public CatalogService(CatalogStore store, LiveSeatMap liveMaps, EventCache events, WaitingRoomService rooms,
                          Clock clock, Settings settings) {
        this.store = store;
        this.liveMaps = liveMaps;
        this.events = events;
        this.rooms = rooms;
        this.clock = clock;
        this.settings = settings;
    }

    public static CatalogService create(Config config) {
        return create(config, Redis.shared(config.redis()));
    }

    /** The service on the table of {@code config} and the given Redis connection. */
    public static CatalogService create(Config config, Redis redis) {
        return create(config, redis, WaitingRoomService.create(config, redis));
    }

    /** The same with the function's one waiting-room service (a function builds each service once). */
    public static CatalogService create(Config config, Redis redis, WaitingRoomService rooms) {
        return new CatalogService(
                new CatalogStore(AwsClients.dynamoDb(config), config.eventsTable(), config.seatsTable()),
                new LiveSeatMap(redis), new EventCache(redis), rooms, Clock.systemUTC(), Settings.of(config));
    }

    /** What creating an event came to. */
    public sealed interface Creation {
        record Created(Event event) implements Creation {
        }

        record Invalid(String detail) implements Creation {
        }

        /** The waiting room asked for could not be switched on (Redis did not answer): no event was made. */
        record WaitingRoomUnavailable() implements Creation {
        }
    }

    /**
     * Creates the event. One asked with its waiting room on gets the room (in Redis) before the event's
     * item is written: there is no moment in which the event can be seen, or booked, without its room, and
     * if Redis fails there is no event (its id is skipped; the room left on for that id guards nothing).
     */
    public Creation create(NewEvent request) {
        Instant now = clock.instant();
        Optional<String> problem = request.problem(settings.maxSeatsPerEvent(), now)
                .or(() -> request.waitingRoomAsked().flatMap(room -> room.timeProblem()
                        .or(() -> rooms.settingsProblem(switches(room), Optional.of(request.saleOpensAt(now))))
                        .map(p -> "waiting_room." + p)));
        if (problem.isPresent()) {
            return new Creation.Invalid(problem.get());
        }
        Event event = request.toEvent(store.nextEventId(), now);
        if (request.waitingRoomAsked().isPresent()) {
            NewEvent.NewWaitingRoom room = request.waitingRoomAsked().get();
            try {
                rooms.enable(event.id(), switches(room), Optional.of(event.onSaleAt()));
            } catch (RedisException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not switch on the waiting room of new event " + event.id()
                        + "; the event was not created", e);
                return new Creation.WaitingRoomUnavailable();
            }
        }
        store.create(event);
        try {
            events.evict(event.id()); // forget an earlier "no such event" for this id
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not evict cached entries of new event " + event.id(), e);
        }
        return new Creation.Created(event);
    }

    /** What switching an event's waiting room on came to. */
    public sealed interface RoomSwitch {
        record Enabled(WaitingRoomService.RoomSettings room) implements RoomSwitch {
        }

        record NoEvent() implements RoomSwitch {
        }

        /** {@code detail} names the parameter at fault. */
        record Invalid(String detail) implements RoomSwitch {
        }
    }

    /**
     * Switches the event's waiting room on, or changes its switches: here rather than in the waiting room, since a
     * pre-queue opens before the event's {@code on_sale_at}, which only the catalog knows.
     */
    public RoomSwitch enableWaitingRoom(long eventId, WaitingRoomService.Switches asked) {
        Optional<Event> event = event(eventId);
        if (event.isEmpty()) {
            return new RoomSwitch.NoEvent();
        }
        Optional<Instant> saleOpens = Optional.of(event.get().onSaleAt());
        Optional<String> problem = rooms.settingsProblem(asked, saleOpens);
        if (problem.isPresent()) {
            return new RoomSwitch.Invalid(problem.get());
        }
        return new RoomSwitch.Enabled(rooms.enable(eventId, asked, saleOpens));
    }

    private static WaitingRoomService.Switches switches(NewEvent.NewWaitingRoom room) {
        return new WaitingRoomService.Switches(optional(room.maxConcurrent()), optional(room.sessionDuration()),
                optional(room.admitPerMinute()), room.preQueueOpens());
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    public Optional<Event> event(long eventId) {
        try {
            Optional<Optional<Event>> cached = events.get(eventId);
            if (cached.isPresent()) {
                return cached.get();
            }
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Event cache unreachable; reading event " + eventId + " from the table", e);
            return store.find(eventId);
        }
        Optional<Event> event = store.find(eventId);
        try {
            event.ifPresentOrElse(e -> events.put(e, settings.eventCache()), () -> events.putMissing(eventId, MISSING_FOR));
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not cache event " + eventId, e);
        }
        return event;
    }

    /** A page of events, newest first, and the cursor for the next page (empty on the last). */
    public record EventPage(List<Event> events, Optional<Long> nextBefore) {
    }

    public EventPage events(Optional<Long> before, int limit) {
        // no event is newer than the counter: a cursor far above it would page through empty ids forever
        long newest = store.lastEventId() + 1;
        long start = before.map(cursor -> Math.min(cursor, newest)).orElse(newest);
        List<Event> page = store.listBefore(start, limit + 1);
        boolean more = page.size() > limit;
        List<Event> shown = more ? page.subList(0, limit) : page;
        return new EventPage(shown, more ? Optional.of(shown.getLast().id()) : Optional.empty());
    }

    /** What a seat-map read asks for: a form of the event's map, and the version the caller has (from If-None-Match). */
    public record SeatMapQuery(long eventId, SeatMapView.Form form, Optional<String> clientVersion) {
    }

    /** What a seat-map read came to. */
    public sealed interface SeatMapResult {
        /** {@code cache}: HIT (this instance's copy, revalidated), FETCHED (new states from Redis), REBUILT (after reading the table), STALE (this instance's copy while another caller rebuilds) or LOCAL (read from the table while Redis is unreachable) */
        record Found(String body, String version, boolean gzip, String cache) implements SeatMapResult {
        }

        record NotModified(String version) implements SeatMapResult {
        }

        record UnknownEvent() implements SeatMapResult {
        }

        record UnknownSection(String section) implements SeatMapResult {
        }

        /** The map is being rebuilt by another caller and did not arrive in time. */
        record Busy() implements SeatMapResult {
        }
    }

    /**
     * The Redis read of a seat map, for a caller that sends it with its guards in one round trip: it
     * names the version this instance (or else the client) has, so an unchanged map answers no states.
     */
    public Redis.ScriptCall seatMapRead(long eventId, Optional<String> clientVersion) {
        return liveMaps.readAheadCall(eventId, knownVersion(eventId, clientVersion));
    }

    /**
     * The seat map. {@code prefetched} is the reply to {@link #seatMapRead} when the caller sent it already
     * (empty: read now). On a missing map exactly one caller per event rebuilds it from the table; the
     * others get this instance's last copy at once, or without one wait a short while for the rebuild,
     * then {@link SeatMapResult.Busy}.
     */
    public SeatMapResult seatMap(SeatMapQuery query, Optional<CompletableFuture<Object>> prefetched) {
        long eventId = query.eventId();
        Instant giveUpAt = clock.instant().plus(settings.rebuildWait());
        String token = UUID.randomUUID().toString();
        boolean rebuilt = false;
        try {
            LiveSeatMap.Read read = prefetched.isPresent()
                    ? prefetchedRead(prefetched.get())
                    : liveMaps.read(eventId, knownVersion(eventId, query.clientVersion()), token, settings.rebuildLock());
            while (true) {
                switch (read) {
                    case LiveSeatMap.Read.Same same -> {
                        SeatMapView copy = copies.get(eventId);
                        if (copy != null && copy.version().equals(same.version())) {
                            validatedAt.put(eventId, clock.instant());
                            return answer(copy, query, "HIT");
                        }
                        if (query.clientVersion().filter(same.version()::equals).isPresent()) {
                            return new SeatMapResult.NotModified(same.version());
                        }
                        read = liveMaps.read(eventId, "", token, settings.rebuildLock()); // our copy went meanwhile
                    }
                    case LiveSeatMap.Read.Changed changed -> {
                        Optional<Event> event = layout(eventId);
                        if (event.isEmpty()) {
                            return new SeatMapResult.UnknownEvent();
                        }
                        return answer(keep(SeatMapView.of(event.get(), changed.version(), changed.states())), query,
                                rebuilt ? "REBUILT" : "FETCHED");
                    }
                    case LiveSeatMap.Read.Missing missing -> {
                        return new SeatMapResult.UnknownEvent();
                    }
                    case LiveSeatMap.Read.Absent absent ->
                            read = liveMaps.read(eventId, "", token, settings.rebuildLock());
                    case LiveSeatMap.Read.Rebuild rebuild -> {
                        if (!rebuild(eventId, token)) {
                            return new SeatMapResult.UnknownEvent();
                        }
                        rebuilt = true;
                        read = liveMaps.read(eventId, "", token, settings.rebuildLock()); // as merged with the stream's changes
                    }
                    case LiveSeatMap.Read.Wait wait -> {
                        Optional<SeatMapView> copy = recentCopy(eventId);
                        if (copy.isPresent()) {
                            return answer(copy.get(), query, "STALE"); // the last good copy now, rather than waiting for the rebuild
                        }
                        if (clock.instant().isAfter(giveUpAt)) {
                            return new SeatMapResult.Busy();
                        }
                        sleep(WAIT_STEP);
                        read = liveMaps.read(eventId, "", token, settings.rebuildLock());
                    }
                }
            }
        } catch (RedisException e) {
            Optional<SeatMapView> copy = recentCopy(eventId);
            if (copy.isPresent()) {
                // a slow or lost Redis answer: this instance's recent copy, not a read of the whole table
                LOG.log(System.Logger.Level.WARNING, "Seat map of event " + eventId + " unreachable in Redis; serving this instance's last copy: " + e);
                return answer(copy.get(), query, "STALE");
            }
            LOG.log(System.Logger.Level.WARNING, "Seat map unreachable in Redis; serving event " + eventId + " from this container's read of the table", e);
            return fromLocalCopy(query);
        }
    }

    /** This instance's copy, if Redis found it current (or sent it) within {@link #STALE_COPY_SERVED_FOR}. */
    private Optional<SeatMapView> recentCopy(long eventId) {
        SeatMapView copy = copies.get(eventId);
        Instant validated = validatedAt.get(eventId);
        return copy != null && validated != null && validated.plus(STALE_COPY_SERVED_FOR).isAfter(clock.instant())
                ? Optional.of(copy) : Optional.empty();
    }

    private LiveSeatMap.Read prefetchedRead(CompletableFuture<Object> reply) {
        try {
            return LiveSeatMap.parse(reply.get(settings.redisTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException redis ? redis : new RedisException("seat-map read failed", e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no seat-map reply within " + settings.redisTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while reading the seat map");
        }
    }

    /** The version to name in a read: this instance's copy, else the client's (its 304 then moves no body). */
    private String knownVersion(long eventId, Optional<String> clientVersion) {
        SeatMapView copy = copies.get(eventId);
        return copy != null ? copy.version() : clientVersion.orElse("");
    }

    private SeatMapView keep(SeatMapView view) {
        if (copies.size() >= MAX_COPIES && !copies.containsKey(view.event().id())) {
            copies.clear(); // a function instance serves few events at once: start over rather than track use
            validatedAt.clear();
        }
        copies.put(view.event().id(), view);
        validatedAt.put(view.event().id(), clock.instant());
        return view;
    }

    /** An event's layout never changes: read once per instance. */
    private Optional<Event> layout(long eventId) {
        Event known = layouts.get(eventId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Event> event = event(eventId);
        event.ifPresent(e -> layouts.put(eventId, e));
        return event;
    }

    /** Reads every seat of the event from the table into its live map; false when there is no such event. */
    private boolean rebuild(long eventId, String token) {
        Optional<Event> found = store.find(eventId);
        if (found.isEmpty()) {
            liveMaps.markMissing(eventId, token, MISSING_FOR);
            return false;
        }
        Event event = found.get();
        layouts.put(eventId, event);
        List<SeatState> seats = store.seatStates(event);
        liveMaps.rebuild(eventId, token, Long.toHexString(Randomness.shared().nextLong()), seats, clock.instant());
        rebuilds.incrementAndGet();
        return true;
    }

    /** Full reads of an event's seats this instance made (the repair path), for tests and benchmarks. */
    public long rebuilds() {
        return rebuilds.get();
    }

    private SeatMapResult fromLocalCopy(SeatMapQuery query) {
        long eventId = query.eventId();
        Instant now = clock.instant();
        CompletableFuture<LocalCopy> copy = localCopies.compute(eventId, (id, current) ->
                current != null && (!current.isDone() || (!current.isCompletedExceptionally() && fresh(current, now))) ? current
                        : CompletableFuture.supplyAsync(() -> new LocalCopy(store.find(id)
                                .map(event -> SeatMapView.of(event, "local-" + clock.millis(), store.seatStates(event), clock.instant()))
                                .orElse(null), clock.instant())));
        try {
            LocalCopy local = copy.get();
            if (local.view() == null) {
                return new SeatMapResult.UnknownEvent();
            }
            return answer(local.view(), query, "LOCAL");
        } catch (ExecutionException e) {
            localCopies.remove(eventId, copy);
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while rebuilding a seat map", e);
        }
    }

    private boolean fresh(CompletableFuture<LocalCopy> copy, Instant now) {
        LocalCopy local = copy.getNow(null);
        return local != null && local.builtAt().plus(settings.localCopyFresh()).isAfter(now);
    }

    private static SeatMapResult answer(SeatMapView view, SeatMapQuery query, String cache) {
        Optional<String> section = query.form().section();
        if (section.isPresent() && view.event().sections().stream().noneMatch(s -> s.name().equals(section.get()))) {
            return new SeatMapResult.UnknownSection(section.get());
        }
        if (query.clientVersion().filter(view.version()::equals).isPresent()) {
            return new SeatMapResult.NotModified(view.version());
        }
        return new SeatMapResult.Found(view.body(query.form()), view.version(), query.form().gzip(), cache);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a seat-map rebuild", e);
        }
    }
}
