package dev.onsale.waitingroom;

import dev.onsale.http.Guard;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import io.lettuce.core.RedisException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Waiting rooms on the embedded stack's redis-server, for tests: each test takes its own event ids. */
final class Rooms {
    /** Far above the ids the catalog hands out, and apart for every run of the JVM. */
    private static final AtomicLong NEXT_EVENT = new AtomicLong(7_000_000_000L + (System.nanoTime() % 1_000_000) * 1_000);

    private Rooms() {
    }

    static long newEventId() {
        return NEXT_EVENT.incrementAndGet();
    }

    /** A real event (a room is switched on for an event that exists: enabling reads its on_sale_at), made through {@code api}. */
    static long newEvent(dev.onsale.testing.Gateway api) {
        return newEvent(api, "");
    }

    /** {@link #newEvent(dev.onsale.testing.Gateway)} with more fields of the event, e.g. {@code "on_sale_at": "..."}. */
    static long newEvent(dev.onsale.testing.Gateway api, String moreFields) {
        var reply = api.post("/api/v1/events", moreFields.isEmpty() ? dev.onsale.testing.Events.concert("Waiting room test", 1)
                : dev.onsale.testing.Events.concert("Waiting room test", 1, moreFields));
        if (reply.status() != 201) {
            throw new AssertionError("could not create an event: " + reply.status() + " " + reply.body());
        }
        return reply.json().get("id").asLong();
    }

    /** The settings the template gives the waiting room's functions on the stack. */
    static Config.WaitingRoom settings() {
        return Config.WaitingRoom.from(EmbeddedStack.get().functionEnvironment("JoinWaitingRoomFunction")::get);
    }

    static Config config() {
        return EmbeddedStack.config("JoinWaitingRoomFunction");
    }

    /** Tokens signed and verified with the keys the stack's functions use (the same ring: they share this JVM). */
    static AdmissionTokens tokens() {
        return new AdmissionTokens(TokenKeyRing.shared(config()), Clock.systemUTC());
    }

    /**
     * A service of its own (the same secret as the stack's functions) with the given claim window, reading the door
     * on every poll (so a test sees each change at once).
     */
    static WaitingRoomService service(Redis redis, Duration claimWindow) {
        return service(redis, claimWindow, Duration.ZERO);
    }

    /** A service of its own whose instance reads each room's door at most once per {@code doorRead}. */
    static WaitingRoomService service(Redis redis, Duration claimWindow, Duration doorRead) {
        Config.WaitingRoom settings = settings().withClaimWindow(claimWindow).withDoorRead(doorRead);
        return new WaitingRoomService(new WaitingRoomStore(redis), tokens(), settings, Clock.systemUTC());
    }

    /** A request to a guarded route of {@code eventId}, by {@code userId}, with the access token when given. */
    static Guard.Request request(long eventId, String userId, String accessToken) {
        return new Guard.Request("GET /api/v1/events/{event_id}/seats", Optional.ofNullable(userId), "127.0.0.1",
                Map.of("event_id", Long.toString(eventId)),
                accessToken == null ? Map.of() : Map.of(AdmissionGuard.TOKEN_HEADER, accessToken), Map.of());
    }

    /** What a guard runner does for one guard: its one call (if any), then its decision. */
    static Guard.Verdict run(Guard guard, Guard.Request request, Redis redis) {
        Optional<Redis.ScriptCall> call = guard.prepare(request);
        if (call.isEmpty()) {
            return guard.decide(request, null);
        }
        Object reply;
        try {
            reply = call.get().run(redis);
        } catch (RedisException e) {
            return guard.whenRedisUnavailable(request);
        }
        return guard.decide(request, reply);
    }
}
