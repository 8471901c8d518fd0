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

    /** Hash: {@code enabled}, {@code max_concurrent}, {@code session_seconds}; written by the admin switches. */
    static String config(long eventId) {
        return "waiting_room:config:" + tag(eventId);
    }

    /** Hash: {@code issued}, {@code admitted_to}, {@code rate}, {@code rate_at}: the line's counters. */
    static String status(long eventId) {
        return "waiting_room:status:" + tag(eventId);
    }

    /** Hash: user id to ticket, so joining again finds the same place. */
    static String queue(long eventId) {
        return "waiting_room:queue:" + tag(eventId);
    }

    /** String: 8 bytes per ticket (joined at, last check-in), read and written in place. */
    static String places(long eventId) {
        return "waiting_room:places:" + tag(eventId);
    }

    /** Sorted set: admitted ticket to the end of its session (ms). */
    static String active(long eventId) {
        return "waiting_room:active:" + tag(eventId);
    }

    static List<String> all(long eventId) {
        return List.of(config(eventId), status(eventId), queue(eventId), places(eventId), active(eventId));
    }

    private static String tag(long eventId) {
        return "{event:" + eventId + "}";
    }
}
