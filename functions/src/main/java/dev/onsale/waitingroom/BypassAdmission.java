package dev.onsale.waitingroom;

import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Admission past the line, for a fan who redeemed a presale code: a session of the room's length at once, on a
 * ticket of its own ({@code bypass.lua}: negative, so the line's order is untouched), with an access token like the
 * one the line gives. It may take the room past {@code max_concurrent}: the line then admits nobody until the open
 * sessions fall below it again. A fan with a live session (from the line or an earlier code) gets that session again.
 */
public final class BypassAdmission {
    private static final RedisScript BYPASS = RedisScript.load(BypassAdmission.class, "bypass.lua");

    private final Redis redis;
    private final AdmissionTokens tokens;

    public BypassAdmission(Redis redis, AdmissionTokens tokens) {
        this.redis = redis;
        this.tokens = tokens;
    }

    /** On the function's shared Redis connection, signing with the keys of {@code WAITING_ROOM_SECRET_ARN}. */
    public static BypassAdmission create(Config config) {
        return new BypassAdmission(Redis.shared(config.redis()), new AdmissionTokens(TokenKeyRing.of(config), Clock.systemUTC()));
    }

    /** Where a fan stands with the room. */
    public sealed interface Entry {
        /** The room is off: everyone goes straight in, no token needed. */
        record RoomOff() implements Entry {
        }

        /** No live session (only from {@link #current}). */
        record NoSession() implements Entry {
        }

        /**
         * In: present {@code accessToken} on the guarded routes until {@code sessionEndsAt}; {@code fresh} when this
         * call opened the session, not when it was already open.
         */
        record Admitted(String accessToken, Instant sessionEndsAt, long secondsLeft, boolean fresh) implements Entry {
        }
    }

    /** The fan's live session in the event's room, if any: a read, nothing changes. */
    public Entry current(long eventId, String userId) {
        return entry(eventId, userId, run("peek", eventId, userId));
    }

    /** The fan's live session, or a new one opened past the line. */
    public Entry admit(long eventId, String userId) {
        Entry entry = entry(eventId, userId, run("admit", eventId, userId));
        if (entry instanceof Entry.Admitted admitted && admitted.fresh()) {
            Metrics.count("CodesRedeemed", 1, "EventId", Long.toString(eventId));
        }
        return entry;
    }

    private List<Object> run(String mode, long eventId, String userId) {
        return BYPASS.run(redis.sync(), ScriptOutputType.MULTI, new String[] {WaitingRoomKeys.config(eventId),
                WaitingRoomKeys.status(eventId), WaitingRoomKeys.queue(eventId), WaitingRoomKeys.active(eventId)}, mode, userId);
    }

    private Entry entry(long eventId, String userId, List<Object> reply) {
        String state = (String) reply.getFirst();
        return switch (state) {
            case "off" -> new Entry.RoomOff();
            case "none" -> new Entry.NoSession();
            case "live", "admitted" -> {
                long ticket = (Long) reply.get(1);
                Instant ends = Instant.ofEpochMilli((Long) reply.get(2));
                Instant now = Instant.ofEpochMilli((Long) reply.get(3));
                String token = tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, eventId, userId, ticket, ends));
                yield new Entry.Admitted(token, ends, Math.max(0, Duration.between(now, ends).toSeconds()), state.equals("admitted"));
            }
            default -> throw new IllegalStateException("bypass.lua answered " + state);
        };
    }
}
