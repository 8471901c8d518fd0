package dev.onsale.waitingroom;

import dev.onsale.http.Guard;
import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The waiting rooms in Redis: the only code that knows their keys and scripts. */
public final class WaitingRoomStore {
    /**
     * The most places one call of the door calls at once. A room with more free slots than this (a large room
     * opening) fills over a few ticks, so no call does unbounded work.
     */
    static final int CALL_LIMIT = 1_000;

    private static final RedisScript ROOM = RedisScript.load(WaitingRoomStore.class, "room.lua");
    private static final RedisScript CHECK = RedisScript.load(WaitingRoomStore.class, "admission_check.lua");
    private static final RedisScript LEAVE = RedisScript.load(WaitingRoomStore.class, "leave.lua");
    private static final RedisScript STATS = RedisScript.load(WaitingRoomStore.class, "stats.lua");

    private final Redis redis;

    public WaitingRoomStore(Redis redis) {
        this.redis = redis;
    }

    /** A room's state, as {@code room.lua} reports it. */
    enum RoomState {
        /** Off: everyone passes. */
        OFF,
        /** A pre-queue is set and has not opened yet: joins are refused. */
        NOT_OPEN,
        /** The pre-queue is open: joins get a place in the lottery; nobody is admitted before the opening. */
        PRE_QUEUE,
        /** The line moves. */
        ON
    }

    /** Where a ticket stands. */
    enum PlaceState {
        NONE, PRE_QUEUE, QUEUED, CALLED, ADMITTED, ENDED, LAPSED, NOT_IN_QUEUE
    }

    /**
     * A room's door and counters, as one call saw them at {@code now} (Redis's clock).
     *
     * @param calledTo            every line number up to it has been called
     * @param preQueued           the pre-queue's size P (line numbers 1..P), once the room has opened
     * @param issued              tickets given so far (places taken)
     * @param callsPerSecond      the door's measured pace while fans waited (a decaying average), 0 before any call
     * @param claimed             turns claimed so far (fans admitted from the line)
     * @param lapsed              turns that ran out unclaimed (fans who had left)
     */
    record Room(RoomState state, long calledTo, long preQueued, long issued, int freeSlots, long activeSessions,
                double callsPerSecond, long claimed, long lapsed, int maxConcurrent, int sessionSeconds, int admitPerMinute,
                Instant opensAt, Instant preQueueOpensAt, Instant now) {

        /** Places not called yet. */
        long waiting() {
            return Math.max(0, issued - calledTo);
        }

        /** The share of called fans who were still there to claim their turn; 1 before any turn ended either way. */
        double presence() {
            long ended = claimed + lapsed;
            return ended == 0 ? 1.0 : (double) claimed / ended;
        }
    }

    /**
     * A ticket's standing. {@code line} is its line number, 0 while the pre-queue has not been drawn.
     *
     * @param calledNow  places the call moved the door over (for metrics)
     * @param claimedNow 1 when this call admitted the fan (for metrics)
     */
    record Place(PlaceState state, long ticket, long line, Instant joinedAt, Instant sessionEndsAt, long calledNow,
                 long claimedNow) {
    }

    /** One call: the room and the caller's place in it. */
    record Visit(Room room, Place place) {
    }

    /** The counters of one room, for its stats. */
    record Counts(boolean enabled, int maxConcurrent, int sessionSeconds, int admitPerMinute, Instant opensAt,
                  Instant preQueueOpensAt, long issued, long preQueued, long calledTo, long activeSessions, long calledSessions,
                  double callsPerSecond, long claimed, long lapsed, Instant now, String seed, java.util.Map<String, Long> waits,
                  long codesRedeemed) {
    }

    Visit join(long eventId, String userId, long claimWindowMs) {
        return visit(ROOM.run(redis.sync(), ScriptOutputType.MULTI, keys(eventId), args("join", userId, 0, claimWindowMs)));
    }

    /** The same join, pipelined: the caller may have many in flight on the one connection. */
    CompletionStage<Visit> joinAsync(long eventId, String userId, long claimWindowMs) {
        String[] keys = keys(eventId);
        String[] args = args("join", userId, 0, claimWindowMs);
        CompletionStage<List<Object>> reply = redis.async().<List<Object>>evalsha(ROOM.sha(), ScriptOutputType.MULTI, keys, args)
                .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                        // the server lost its scripts (restart, failover): send this one whole, off the I/O thread
                        ? CompletableFuture.supplyAsync(() -> ROOM.<List<Object>>run(redis.sync(), ScriptOutputType.MULTI, keys, args))
                        : CompletableFuture.failedFuture(e));
        return reply.thenApply(WaitingRoomStore::visit);
    }

    /** Moves the door and reads the room: what a function instance does at most once a second per room. */
    Room tick(long eventId, long claimWindowMs) {
        return visit(ROOM.run(redis.sync(), ScriptOutputType.MULTI, keys(eventId), args("tick", "", 0, claimWindowMs))).room();
    }

    /** Claims the fan's turn when it has come (or learns the pre-queued fan's line number), moving the door too. */
    Visit claim(long eventId, String userId, long ticket, long claimWindowMs) {
        return visit(ROOM.run(redis.sync(), ScriptOutputType.MULTI, keys(eventId), args("claim", userId, ticket, claimWindowMs)));
    }

    /**
     * Writes a room's switches; {@code opensAt} and {@code preQueueOpensAt} 0 for a room without a pre-queue. A lottery
     * seed is kept only when the room has none yet: the order of a pre-queue never changes once fans are in it.
     */
    void enable(long eventId, int maxConcurrent, int sessionSeconds, int admitPerMinute, long preQueueOpensAtMs, long opensAtMs,
                java.util.Optional<String> lotterySeed) {
        lotterySeed.ifPresent(seed -> redis.sync().hsetnx(WaitingRoomKeys.status(eventId), "seed", seed));
        redis.sync().hset(WaitingRoomKeys.config(eventId), java.util.Map.of(
                "enabled", "1", "max_concurrent", Integer.toString(maxConcurrent), "session_seconds", Integer.toString(sessionSeconds),
                "admit_per_minute", Integer.toString(admitPerMinute), "pre_queue_opens_at", Long.toString(preQueueOpensAtMs),
                "opens_at", Long.toString(opensAtMs)));
    }

    /** Turns the room off and drops its line (UNLINK frees a million-entry queue in the background). */
    Counts disable(long eventId) {
        Counts before = counts(eventId);
        redis.sync().unlink(WaitingRoomKeys.all(eventId).toArray(String[]::new));
        return before;
    }

    boolean leave(long eventId, String userId) {
        Long ended = LEAVE.run(redis.sync(), ScriptOutputType.INTEGER,
                new String[] {WaitingRoomKeys.queue(eventId), WaitingRoomKeys.active(eventId)}, userId);
        return ended != null && ended == 1;
    }

    Counts counts(long eventId) {
        List<Object> reply = STATS.run(redis.sync(), ScriptOutputType.MULTI,
                new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.status(eventId), WaitingRoomKeys.called(eventId),
                        WaitingRoomKeys.active(eventId), WaitingRoomKeys.waits(eventId)});
        java.util.Map<String, Long> waits = new java.util.TreeMap<>();
        List<?> flat = (List<?>) reply.get(16);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            waits.put(text(flat.get(i)), Long.parseLong(text(flat.get(i + 1))));
        }
        return new Counts(number(reply, 0) == 1, (int) number(reply, 1), (int) number(reply, 2), (int) number(reply, 3),
                Instant.ofEpochMilli(number(reply, 4)), Instant.ofEpochMilli(number(reply, 5)), number(reply, 6), number(reply, 7),
                number(reply, 8), number(reply, 9), number(reply, 10), number(reply, 11) / 1e6, number(reply, 12),
                number(reply, 13), Instant.ofEpochMilli(number(reply, 14)), text(reply.get(15)), waits, number(reply, 17));
    }

    /** The admission guard's one call: {@code userId} and {@code ticket} of a verified access token, or "" and 0. */
    Redis.ScriptCall admissionCheck(long eventId, String userId, long ticket) {
        return new Redis.ScriptCall(CHECK, Redis.Reply.VALUE,
                new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.queue(eventId), WaitingRoomKeys.active(eventId)},
                new String[] {userId, Long.toString(ticket)});
    }

    private static String[] keys(long eventId) {
        return new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.status(eventId), WaitingRoomKeys.queue(eventId),
                WaitingRoomKeys.places(eventId), WaitingRoomKeys.called(eventId), WaitingRoomKeys.active(eventId),
                WaitingRoomKeys.lottery(eventId), WaitingRoomKeys.waits(eventId)};
    }

    private static String[] args(String mode, String userId, long ticket, long claimWindowMs) {
        return new String[] {mode, userId, Long.toString(ticket), Long.toString(claimWindowMs), Integer.toString(CALL_LIMIT)};
    }

    private static Visit visit(List<Object> reply) {
        Room room = new Room(RoomState.valueOf(upper(reply.get(0))), number(reply, 1), number(reply, 2), number(reply, 3),
                (int) number(reply, 4), number(reply, 5), number(reply, 6) / 1e6, number(reply, 7), number(reply, 8),
                (int) number(reply, 9), (int) number(reply, 10), (int) number(reply, 11), Instant.ofEpochMilli(number(reply, 12)),
                Instant.ofEpochMilli(number(reply, 13)), Instant.ofEpochMilli(number(reply, 14)));
        Place place = new Place(PlaceState.valueOf(upper(reply.get(15))), number(reply, 16), number(reply, 17),
                Instant.ofEpochSecond(number(reply, 18)), Instant.ofEpochMilli(number(reply, 19)), number(reply, 20), number(reply, 21));
        return new Visit(room, place);
    }

    private static String upper(Object value) {
        return text(value).toUpperCase(Locale.ROOT);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static long number(List<Object> reply, int index) {
        return (Long) reply.get(index);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
