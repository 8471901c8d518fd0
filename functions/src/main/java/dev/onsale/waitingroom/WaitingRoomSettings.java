package dev.onsale.waitingroom;

import dev.onsale.platform.Environment;
import java.time.Duration;
import java.util.function.Function;

/**
 * The waiting room's settings, read from the function's environment like {@code platform.Config}.
 *
 * @param secret              {@code WAITING_ROOM_SECRET}: the HMAC key of every token (required, 32+ characters)
 * @param stallWindow         {@code WAITING_ROOM_STALL_SECONDS}: a place not checked in on for longer is passed over
 * @param queueTokenTtl       {@code WAITING_ROOM_QUEUE_TOKEN_SECONDS}: how long a queue token stays good after joining
 * @param defaultMaxConcurrent {@code WAITING_ROOM_MAX_CONCURRENT}: sessions at once when enabling names none
 * @param defaultSession      {@code WAITING_ROOM_SESSION_SECONDS}: a session's length when enabling names none
 */
public record WaitingRoomSettings(String secret, Duration stallWindow, Duration queueTokenTtl, int defaultMaxConcurrent,
                                  Duration defaultSession) {
    /**
     * The most places one check-in passes over. After a crowd leaves at once, each check-in moves the
     * line on by at most this many, so no call does unbounded work.
     */
    static final int PASS_OVER_LIMIT = 1_000;

    public static WaitingRoomSettings fromEnvironment() {
        return from(name -> Environment.get(name).orElse(null));
    }

    public static WaitingRoomSettings from(Function<String, String> variables) {
        return new WaitingRoomSettings(
                variables.apply("WAITING_ROOM_SECRET"),
                Duration.ofSeconds(integer(variables, "WAITING_ROOM_STALL_SECONDS", 30)),
                Duration.ofSeconds(integer(variables, "WAITING_ROOM_QUEUE_TOKEN_SECONDS", 86_400)),
                integer(variables, "WAITING_ROOM_MAX_CONCURRENT", 100),
                Duration.ofSeconds(integer(variables, "WAITING_ROOM_SESSION_SECONDS", 300)));
    }

    public WaitingRoomSettings withStallWindow(Duration stallWindow) {
        return new WaitingRoomSettings(secret, stallWindow, queueTokenTtl, defaultMaxConcurrent, defaultSession);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "WaitingRoomSettings[stallWindow=" + stallWindow + ", queueTokenTtl=" + queueTokenTtl
                + ", defaultMaxConcurrent=" + defaultMaxConcurrent + ", defaultSession=" + defaultSession + "]";
    }

    private static int integer(Function<String, String> variables, String name, int fallback) {
        String value = variables.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Environment variable " + name + " is not an integer: " + value, e);
        }
    }
}
