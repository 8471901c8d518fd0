package dev.onsale.catalog;

import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;

/** The rendered seat maps in Redis, with one rebuilder per event at a time (see {@code seat_map_read.lua}). */
public final class SeatMapCache {
    private static final RedisScript READ = RedisScript.load(SeatMapCache.class, "seat_map_read.lua");
    private static final RedisScript STORE = RedisScript.load(SeatMapCache.class, "seat_map_store.lua");

    private final Redis redis;

    public SeatMapCache(Redis redis) {
        this.redis = redis;
    }

    /** What the cache answered for one read. */
    public sealed interface Lookup {
        record Hit(String etag, String body, boolean stale) implements Lookup {
        }

        record NotModified(String etag) implements Lookup {
        }

        record Missing() implements Lookup {
        }

        /** The caller holds the rebuild lock (with the token it passed) and must rebuild. */
        record Rebuild() implements Lookup {
        }

        record Wait() implements Lookup {
        }
    }

    public Lookup read(long eventId, String field, String clientEtag, String token, Duration lockFor) {
        List<Object> reply = READ.run(redis.sync(), ScriptOutputType.MULTI,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatMapRebuild(eventId)},
                field, clientEtag == null ? "" : clientEtag, token, Long.toString(lockFor.toMillis()));
        String state = (String) reply.getFirst();
        return switch (state) {
            case "HIT", "STALE" -> new Lookup.Hit((String) reply.get(1), (String) reply.get(2), state.equals("STALE"));
            case "NOT_MODIFIED" -> new Lookup.NotModified((String) reply.get(1));
            case "MISSING" -> new Lookup.Missing();
            case "REBUILD" -> new Lookup.Rebuild();
            case "WAIT" -> new Lookup.Wait();
            default -> throw new IllegalStateException("seat_map_read.lua answered " + state);
        };
    }

    public void store(long eventId, String token, SeatMapView view, Duration fresh, Duration stale) {
        STORE.run(redis.sync(), ScriptOutputType.INTEGER,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatMapRebuild(eventId)},
                token, Long.toString(fresh.toMillis()), Long.toString(fresh.plus(stale).toMillis()),
                "etag", view.etag(),
                "full", view.full(), "compact", view.compact(),
                "full.gz", view.fullGzip(), "compact.gz", view.compactGzip());
    }

    /** Remembers for {@code period} that the event does not exist, so a flood of bad ids costs no reads. */
    public void storeMissing(long eventId, String token, Duration period) {
        STORE.run(redis.sync(), ScriptOutputType.INTEGER,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatMapRebuild(eventId)},
                token, Long.toString(period.toMillis()), Long.toString(period.toMillis()), "missing", "1");
    }

    /** The hash field that holds a form. */
    static String field(SeatMapView.Format format, boolean gzip) {
        String name = format == SeatMapView.Format.FULL ? "full" : "compact";
        return gzip ? name + ".gz" : name;
    }
}
