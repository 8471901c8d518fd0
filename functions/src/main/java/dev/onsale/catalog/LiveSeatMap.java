package dev.onsale.catalog;

import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Each event's seat map in Redis, in a compact form fed by changes: one byte per seat (its state),
 * four per seat (its item's version), the live holds by expiry, and a header with the map's version.
 * The seats table's stream applies every writer's change ({@link #apply}); a full read of the table
 * only repairs a missing map ({@link #rebuild}). Readers get the states only when the version they
 * have is not current ({@link #read}), so an unchanged map moves no body out of Redis.
 */
public final class LiveSeatMap {
    private static final RedisScript READ = RedisScript.load(LiveSeatMap.class, "seat_map_read.lua");
    private static final RedisScript APPLY = RedisScript.load(LiveSeatMap.class, "seat_map_apply.lua");
    private static final RedisScript REBUILD = RedisScript.load(LiveSeatMap.class, "seat_map_rebuild.lua");
    private static final RedisScript MISSING = RedisScript.load(LiveSeatMap.class, "seat_map_missing.lua");
    /** Lapsed holds one read lets go; more wait for the next read (a read stays short whatever lapsed at once). */
    static final int LAPSES_PER_READ = 1_000;

    private final Redis redis;

    public LiveSeatMap(Redis redis) {
        this.redis = redis;
    }

    /** What a read of the map came to. */
    public sealed interface Read {
        /** The version the caller named is current: it has the map already. */
        record Same(String version) implements Read {
        }

        /** The map at {@code version}: one state letter per seat, seat 1 first. */
        record Changed(String version, String states) implements Read {
        }

        record Missing() implements Read {
        }

        /** The map is missing and this caller took the rebuild lock (with its token): it must rebuild. */
        record Rebuild() implements Read {
        }

        /** The map is missing and another caller is rebuilding it. */
        record Wait() implements Read {
        }

        /** The map is missing; the read was one that may not elect a rebuilder ({@link #readAheadCall}). */
        record Absent() implements Read {
        }
    }

    /**
     * The read as one script call, for a caller that sends it with its guards in one round trip before it
     * knows whether it may go on: a missing map is only reported ({@link Read.Absent}), never locked for.
     */
    public Redis.ScriptCall readAheadCall(long eventId, String knownVersion) {
        return readCall(eventId, knownVersion, "", Duration.ZERO, false);
    }

    /** The read; a missing map elects this caller (with {@code token}) to rebuild it, for at most {@code lockFor}. */
    public Read read(long eventId, String knownVersion, String token, Duration lockFor) {
        Redis.ScriptCall call = readCall(eventId, knownVersion, token, lockFor, true);
        return parse(call.run(redis));
    }

    private static Redis.ScriptCall readCall(long eventId, String knownVersion, String token, Duration lockFor, boolean mayLock) {
        return new Redis.ScriptCall(READ, Redis.Reply.LIST,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatStates(eventId), CatalogKeys.liveHolds(eventId),
                        CatalogKeys.seatMapRebuild(eventId)},
                new String[] {knownVersion, token, Long.toString(lockFor.toMillis()), Integer.toString(LAPSES_PER_READ),
                        mayLock ? "1" : "0"});
    }

    /** The reply of the read script. */
    public static Read parse(Object reply) {
        List<?> parts = (List<?>) reply;
        String state = (String) parts.getFirst();
        return switch (state) {
            case "SAME" -> new Read.Same((String) parts.get(1));
            case "MAP" -> new Read.Changed((String) parts.get(1), (String) parts.get(2));
            case "MISSING" -> new Read.Missing();
            case "REBUILD" -> new Read.Rebuild();
            case "WAIT" -> new Read.Wait();
            case "ABSENT" -> new Read.Absent();
            default -> throw new IllegalStateException("seat_map_read.lua answered " + state);
        };
    }

    /**
     * Applies changes, each event's in one script call and all events' calls in one round trip.
     * @return per event, the number of seats that changed (a failed future when its call failed)
     */
    public Map<Long, CompletableFuture<Object>> apply(List<SeatState> changes) {
        Map<Long, List<String>> argsByEvent = new LinkedHashMap<>();
        for (SeatState change : changes) {
            List<String> args = argsByEvent.computeIfAbsent(change.eventId(), id -> new ArrayList<>());
            args.add(Integer.toString(change.seatId()));
            args.add(Long.toString(change.version()));
            args.add(String.valueOf(change.status().code()));
            args.add(Long.toString(change.status() == SeatStatus.HELD ? change.holdExpiresAtMillis() : 0));
        }
        List<Redis.ScriptCall> calls = new ArrayList<>(argsByEvent.size());
        argsByEvent.forEach((eventId, args) -> calls.add(new Redis.ScriptCall(APPLY, Redis.Reply.INTEGER,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatStates(eventId), CatalogKeys.seatVersions(eventId),
                        CatalogKeys.liveHolds(eventId)},
                args.toArray(String[]::new))));
        List<CompletableFuture<Object>> replies = redis.runScripts(calls);
        Map<Long, CompletableFuture<Object>> byEvent = new LinkedHashMap<>();
        int next = 0;
        for (Long eventId : argsByEvent.keySet()) {
            byEvent.put(eventId, replies.get(next++));
        }
        return byEvent;
    }

    /**
     * Stores the map read from the table ({@code seats} in seat order, one per seat of the event) and
     * marks it complete; the stream's newer changes made meanwhile are kept.
     */
    public void rebuild(long eventId, String token, String generation, List<SeatState> seats, Instant now) {
        StringBuilder states = new StringBuilder(seats.size());
        StringBuilder versions = new StringBuilder(seats.size() * 4);
        List<String> args = new ArrayList<>();
        args.add(token);
        args.add(generation);
        args.add(""); // states, below
        args.add(""); // versions, below
        for (SeatState seat : seats) {
            SeatStatus status = seat.effectiveStatus(now);
            states.append(status.code());
            appendVersion(versions, seat.version());
            if (status == SeatStatus.HELD) {
                args.add(Integer.toString(seat.seatId()));
                args.add(Long.toString(seat.holdExpiresAtMillis()));
            }
        }
        args.set(2, states.toString());
        args.set(3, versions.toString());
        REBUILD.run(redis.sync(), ScriptOutputType.INTEGER, rebuildKeys(eventId), args.toArray(String[]::new));
    }

    /** Remembers for {@code period} that the event does not exist, so a flood of bad ids costs no reads. */
    public void markMissing(long eventId, String token, Duration period) {
        MISSING.run(redis.sync(), ScriptOutputType.INTEGER,
                new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatMapRebuild(eventId)},
                token, Long.toString(period.toMillis()));
    }

    private static String[] rebuildKeys(long eventId) {
        return new String[] {CatalogKeys.seatMap(eventId), CatalogKeys.seatStates(eventId), CatalogKeys.seatVersions(eventId),
                CatalogKeys.liveHolds(eventId), CatalogKeys.seatMapRebuild(eventId)};
    }

    /** Four characters of 7 bits each, big-endian: plain ASCII, so it crosses the string codec unchanged. */
    static void appendVersion(StringBuilder out, long version) {
        if (version < 0 || version >= 1L << 28) {
            throw new IllegalArgumentException("seat version out of range: " + version);
        }
        out.append((char) (version >> 21 & 0x7f)).append((char) (version >> 14 & 0x7f))
                .append((char) (version >> 7 & 0x7f)).append((char) (version & 0x7f));
    }
}
