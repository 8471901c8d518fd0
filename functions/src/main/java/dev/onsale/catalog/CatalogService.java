package dev.onsale.catalog;

import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import io.lettuce.core.RedisException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/** Events and their seat maps: created in DynamoDB, read through Redis so a surge reads the table rarely. */
public final class CatalogService {
    private static final System.Logger LOG = System.getLogger(CatalogService.class.getName());
    /** How long an unknown event id is remembered as unknown. */
    static final Duration MISSING_FOR = Duration.ofSeconds(5);
    private static final Duration WAIT_STEP = Duration.ofMillis(20);

    private final CatalogStore store;
    private final SeatMapCache seatMaps;
    private final EventCache events;
    private final Clock clock;
    private final Settings settings;
    /** Used only while Redis is unreachable: one rebuild per event per fresh period in this container. */
    private final ConcurrentHashMap<Long, CompletableFuture<LocalCopy>> localCopies = new ConcurrentHashMap<>();

    /** The tunables of the catalog. */
    public record Settings(Duration seatMapFresh, Duration seatMapStale, Duration rebuildWait, Duration eventCache,
                           int maxSeatsPerEvent) {
        static Settings of(Config config) {
            return new Settings(config.seatMapFresh(), config.seatMapStale(), config.seatMapRebuildWait(),
                    config.eventCache(), config.maxSeatsPerEvent());
        }

        /** The rebuild lock outlives a normal rebuild, and lapses before waiters give up. */
        Duration rebuildLock() {
            return rebuildWait.multipliedBy(2).dividedBy(3);
        }
    }

    private record LocalCopy(SeatMapView view, Instant builtAt) {
    }

    public CatalogService(CatalogStore store, SeatMapCache seatMaps, EventCache events, Clock clock, Settings settings) {
        this.store = store;
        this.seatMaps = seatMaps;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    public static CatalogService create(Config config) {
        Redis redis = Redis.shared(config.redis());
        return new CatalogService(
                new CatalogStore(AwsClients.dynamoDb(config), config.eventsTable(), config.seatsTable()),
                new SeatMapCache(redis), new EventCache(redis), Clock.systemUTC(), Settings.of(config));
    }

    /** What creating an event came to. */
    public sealed interface Creation {
        record Created(Event event) implements Creation {
        }

        record Invalid(String detail) implements Creation {
        }
    }

    public Creation create(NewEvent request) {
        Optional<String> problem = request.problem(settings.maxSeatsPerEvent());
        if (problem.isPresent()) {
            return new Creation.Invalid(problem.get());
        }
        Event event = request.toEvent(store.nextEventId(), clock.instant());
        store.create(event);
        try {
            events.evict(event.id()); // forget an earlier "no such event" for this id
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not evict cached entries of new event " + event.id(), e);
        }
        return new Creation.Created(event);
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

    /** What a seat-map read came to. */
    public sealed interface SeatMapResult {
        record Found(String body, String etag, boolean gzip, String cache) implements SeatMapResult {
        }

        record NotModified(String etag) implements SeatMapResult {
        }

        record UnknownEvent() implements SeatMapResult {
        }

        /** The map is being rebuilt by another caller and did not arrive in time. */
        record Busy() implements SeatMapResult {
        }
    }

    /**
     * The seat map from the cache. On a miss exactly one caller per event rebuilds it from the
     * table while the others wait for it (or get the previous copy, at most a fresh period old).
     */
    public SeatMapResult seatMap(long eventId, SeatMapView.Format format, boolean gzip, Optional<String> clientEtag) {
        String field = SeatMapCache.field(format, gzip);
        String token = UUID.randomUUID().toString();
        Instant giveUpAt = clock.instant().plus(settings.rebuildWait());
        try {
            while (true) {
                SeatMapCache.Lookup lookup = seatMaps.read(eventId, field, clientEtag.orElse(""), token, settings.rebuildLock());
                switch (lookup) {
                    case SeatMapCache.Lookup.Hit hit -> {
                        return new SeatMapResult.Found(hit.body(), hit.etag(), gzip, hit.stale() ? "STALE" : "HIT");
                    }
                    case SeatMapCache.Lookup.NotModified notModified -> {
                        return new SeatMapResult.NotModified(notModified.etag());
                    }
                    case SeatMapCache.Lookup.Missing missing -> {
                        return new SeatMapResult.UnknownEvent();
                    }
                    case SeatMapCache.Lookup.Rebuild rebuild -> {
                        return rebuild(eventId, token, format, gzip, clientEtag);
                    }
                    case SeatMapCache.Lookup.Wait wait -> {
                        if (clock.instant().isAfter(giveUpAt)) {
                            return new SeatMapResult.Busy();
                        }
                        sleep(WAIT_STEP);
                    }
                }
            }
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Seat-map cache unreachable; serving event " + eventId + " from this container's copy", e);
            return fromLocalCopy(eventId, format, gzip, clientEtag);
        }
    }

    private SeatMapResult rebuild(long eventId, String token, SeatMapView.Format format, boolean gzip, Optional<String> clientEtag) {
        Optional<SeatMapView> view = render(eventId);
        if (view.isEmpty()) {
            seatMaps.storeMissing(eventId, token, MISSING_FOR);
            return new SeatMapResult.UnknownEvent();
        }
        seatMaps.store(eventId, token, view.get(), settings.seatMapFresh(), settings.seatMapStale());
        return answer(view.get(), format, gzip, clientEtag, "MISS");
    }

    private Optional<SeatMapView> render(long eventId) {
        return store.find(eventId).map(event -> SeatMapView.render(event, store.seatStates(event), clock.instant()));
    }

    private SeatMapResult fromLocalCopy(long eventId, SeatMapView.Format format, boolean gzip, Optional<String> clientEtag) {
        Instant now = clock.instant();
        CompletableFuture<LocalCopy> copy = localCopies.compute(eventId, (id, current) ->
                current != null && (!current.isDone() || (!current.isCompletedExceptionally() && fresh(current, now))) ? current
                        : CompletableFuture.supplyAsync(() -> new LocalCopy(render(id).orElse(null), clock.instant())));
        try {
            LocalCopy local = copy.get();
            if (local.view() == null) {
                return new SeatMapResult.UnknownEvent();
            }
            return answer(local.view(), format, gzip, clientEtag, "LOCAL");
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
        return local != null && local.builtAt().plus(settings.seatMapFresh()).isAfter(now);
    }

    private static SeatMapResult answer(SeatMapView view, SeatMapView.Format format, boolean gzip, Optional<String> clientEtag, String cache) {
        if (clientEtag.filter(view.etag()::equals).isPresent()) {
            return new SeatMapResult.NotModified(view.etag());
        }
        return new SeatMapResult.Found(view.body(format, gzip), view.etag(), gzip, cache);
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
