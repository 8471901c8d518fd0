package dev.onsale.waitingroom;

import java.util.List;

/**
 * The waiting room's Redis keys. Every key of one event carries the hash tag {@code {event:N}}, so each
 * script's keys share a slot on Redis Cluster; the part before the tag names the family that
 * {@code /api/v1/cache/stats} counts ({@code waiting_room:queue}, {@code waiting_room:active}, ...).
 */
final class WaitingRoomKeys {
    private WaitingRoomKeys() {
    }

    /**
     * Hash: {@code enabled}, {@code max_concurrent}, {@code session_seconds}, {@code admit_per_minute},
     * {@code pre_queue_opens_at}, {@code opens_at}; written by the admin switches.
     */
    static String config(long eventId) {
        return "waiting_room:config:" + tag(eventId);
    }

    /**
     * Hash: the line's counters: {@code issued}, {@code pre_queued}, {@code seed}, {@code called_to}, {@code tat},
     * {@code rate}, {@code rate_at}, {@code claimed}, {@code lapsed} (see {@code room.lua}).
     */
    static String status(long eventId) {
        return "waiting_room:status:" + tag(eventId);
    }

    /** Hash: user id to ticket, so joining again finds the same place. */
    static String queue(long eventId) {
        return "waiting_room:queue:" + tag(eventId);
    }

    /** String: 8 bytes per ticket (joined at, admitted at), read and written in place. */
    static String places(long eventId) {
        return "waiting_room:places:" + tag(eventId);
    }

    /** Sorted set: admitted ticket to the end of its session (ms). */
    static String active(long eventId) {
        return "waiting_room:active:" + tag(eventId);
    }

    /** Sorted set: called ticket to the end of its claim window (ms): a slot kept for the fan whose turn it is. */
    static String called(long eventId) {
        return "waiting_room:called:" + tag(eventId);
    }

    /** Sorted set: pre-queued ticket to its lottery key; its rank is the ticket's line number. */
    static String lottery(long eventId) {
        return "waiting_room:lottery:" + tag(eventId);
    }

    /** Hash: admitted fans by how long they waited ({@code b<k>}: up to 2^k s) and by minute ({@code m<epoch minute>}). */
    static String waits(long eventId) {
        return "waiting_room:waits:" + tag(eventId);
    }

    static List<String> all(long eventId) {
        return List.of(config(eventId), status(eventId), queue(eventId), places(eventId), called(eventId), active(eventId),
                lottery(eventId), waits(eventId));
    }

    private static String tag(long eventId) {
        return "{event:" + eventId + "}";
    }
}
