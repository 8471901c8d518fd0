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
     * The most places one check-in passes over. After a crowd leaves at once, each check-in moves the
     * line on by at most this many, so no call does unbounded work.
     */
    static final int PASS_OVER_LIMIT = 1_000;

    private static final RedisScript VISIT = RedisScript.load(WaitingRoomStore.class, "visit.lua");
    private static final RedisScript CHECK = RedisScript.load(WaitingRoomStore.class, "admission_check.lua");
    private static final RedisScript LEAVE = RedisScript.load(WaitingRoomStore.class, "leave.lua");
    private static final RedisScript STATS = RedisScript.load(WaitingRoomStore.class, "stats.lua");

    private final Redis redis;

    public WaitingRoomStore(Redis redis) {
        this.redis = redis;
    }

    /** Where a ticket stands, as {@code visit.lua} reports it. */
    enum State {
        OPEN, QUEUED, ADMITTED, ENDED, LAPSED, NOT_IN_QUEUE
    }

    /**
     * One join or check-in: the place and the line around it.
     *
     * @param admissionsPerSecond the measured admission rate (a decaying average), 0 before any admission
     * @param queueSize           places not yet reached by admission (for metrics; 0 when the room is off)
     * @param admittedNow         fans this check-in admitted (for metrics)
     */
    record Visit(State state, long ticket, Instant joinedAt, long position, int freeSlots, double admissionsPerSecond,
                 Instant sessionEndsAt, int maxConcurrent, int sessionSeconds, Instant now, long queueSize, long admittedNow) {
    }

    /** The counters of one room. */
    record Counts(boolean enabled, int maxConcurrent, int sessionSeconds, long issued, long admittedTo,
                  long activeSessions, double admissionsPerSecond) {
    }

    Visit join(long eventId, String userId) {
        return visit(VISIT.run(redis.sync(), ScriptOutputType.MULTI, visitKeys(eventId), visitArgs("join", userId, 0, 0)));
    }

    /** The same join, pipelined: the caller may have many in flight on the one connection. */
    CompletionStage<Visit> joinAsync(long eventId, String userId) {
        String[] keys = visitKeys(eventId);
        String[] args = visitArgs("join", userId, 0, 0);
        CompletionStage<List<Object>> reply = redis.async().<List<Object>>evalsha(VISIT.sha(), ScriptOutputType.MULTI, keys, args)
                .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                        // the server lost its scripts (restart, failover): send this one whole, off the I/O thread
                        ? CompletableFuture.supplyAsync(() -> VISIT.<List<Object>>run(redis.sync(), ScriptOutputType.MULTI, keys, args))
                        : CompletableFuture.failedFuture(e));
        return reply.thenApply(WaitingRoomStore::visit);
    }

    Visit poll(long eventId, String userId, long ticket, long stallSeconds) {
        return visit(VISIT.run(redis.sync(), ScriptOutputType.MULTI, visitKeys(eventId),
                visitArgs("poll", userId, ticket, stallSeconds)));
    }

    void enable(long eventId, int maxConcurrent, int sessionSeconds) {
        redis.sync().hset(WaitingRoomKeys.config(eventId), java.util.Map.of(
                "enabled", "1", "max_concurrent", Integer.toString(maxConcurrent), "session_seconds", Integer.toString(sessionSeconds)));
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
                new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.status(eventId), WaitingRoomKeys.active(eventId)});
        return new Counts(number(reply, 0) == 1, (int) number(reply, 1), (int) number(reply, 2), number(reply, 3),
                number(reply, 4), number(reply, 5), number(reply, 6) / 1e6);
    }

    /** The admission guard's one call: {@code userId} and {@code ticket} of a verified access token, or "" and 0. */
    Guard.RedisCall admissionCheck(long eventId, String userId, long ticket) {
        return new Guard.RedisCall(CHECK, ScriptOutputType.VALUE,
                new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.queue(eventId), WaitingRoomKeys.active(eventId)},
                new String[] {userId, Long.toString(ticket)});
    }

    private static String[] visitKeys(long eventId) {
        return new String[] {WaitingRoomKeys.config(eventId), WaitingRoomKeys.status(eventId), WaitingRoomKeys.queue(eventId),
                WaitingRoomKeys.places(eventId), WaitingRoomKeys.active(eventId)};
    }

    private static String[] visitArgs(String mode, String userId, long ticket, long stallSeconds) {
        return new String[] {mode, userId, Long.toString(ticket), Long.toString(stallSeconds),
                Integer.toString(PASS_OVER_LIMIT)};
    }

    private static Visit visit(List<Object> reply) {
        return new Visit(State.valueOf(((String) reply.getFirst()).toUpperCase(Locale.ROOT)),
                number(reply, 1), Instant.ofEpochSecond(number(reply, 2)), number(reply, 3), (int) number(reply, 4),
                number(reply, 5) / 1e6, Instant.ofEpochMilli(number(reply, 6)), (int) number(reply, 7), (int) number(reply, 8),
                Instant.ofEpochMilli(number(reply, 9)),
                reply.size() > 11 ? number(reply, 10) : 0, reply.size() > 11 ? number(reply, 11) : 0);
    }

    private static long number(List<Object> reply, int index) {
        return (Long) reply.get(index);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
