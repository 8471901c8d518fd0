package dev.onsale.waitingroom;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The waiting room's answers on the wire (snake_case, in the shapes the old system answered, plus what v2 adds). */
public final class WaitingRoomViews {
    private WaitingRoomViews() {
    }

    /** Enable and disable; the pre-queue's times only for a room that has one. */
    public record Switched(String message, int maxConcurrentUsers, int sessionDurationSeconds, int admitPerMinute,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String preQueueOpensAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String opensAt) {
        public static Switched of(String message, WaitingRoomService.RoomSettings room) {
            return new Switched(message, room.maxConcurrent(), room.sessionSeconds(), room.admitPerMinute(),
                    room.preQueueOpensAt().map(Instant::toString).orElse(null), room.opensAt().map(Instant::toString).orElse(null));
        }
    }

    /** Join: the queue token, the place, and once admitted the access token. */
    record Joined(String token, long position, long estimatedWaitSeconds,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long estimatedWaitMaxSeconds, String status,
                  String accessToken, Integer pollAfterSeconds, @JsonInclude(JsonInclude.Include.NON_NULL) String opensAt,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long preQueueSize) {
        static Joined of(WaitingRoomService.Joined joined) {
            Status status = Status.of(joined.standing(), null);
            return new Joined(joined.queueToken(), status.position(), status.estimatedWaitSeconds(), status.estimatedWaitMaxSeconds(),
                    status.status(), status.accessToken(), status.pollAfterSeconds(), status.opensAt(), status.preQueueSize());
        }
    }

    /**
     * Status: where the token's holder stands, and once admitted the access token to present. {@code token}, when
     * present, is the queue token to check in with from now on (the pre-queue was drawn: it now carries the line number).
     */
    record Status(boolean admitted, String status, long position, long estimatedWaitSeconds,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long estimatedWaitMaxSeconds,
                  String message, String accessToken, Long sessionExpiresInSeconds, Integer pollAfterSeconds,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String opensAt,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long preQueueSize,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String token) {
        static Status of(WaitingRoomService.Standing standing, String newQueueToken) {
            return switch (standing) {
                case WaitingRoomService.Standing.Open open -> new Status(true, "admitted", 0, 0, null,
                        "The waiting room is off: go ahead", null, null, null, null, null, newQueueToken);
                case WaitingRoomService.Standing.NotOpen notOpen -> new Status(false, "not_open", 0, 0, null,
                        "The waiting room opens at " + notOpen.preQueueOpensAt(), null, null, null,
                        notOpen.preQueueOpensAt().toString(), null, newQueueToken);
                case WaitingRoomService.Standing.PreQueue pre -> new Status(false, "pre_queue", 0, 0, null,
                        "You are in the pre-queue: when the sale opens at " + pre.opensAt() + ", everyone in it is placed in"
                                + " a random order ahead of later arrivals. Arriving earlier gives no advantage; keep this page open",
                        null, null, pre.pollAfterSeconds(), pre.opensAt().toString(), pre.preQueueSize(), newQueueToken);
                case WaitingRoomService.Standing.Queued queued -> new Status(false, "queued", queued.position(),
                        queued.estimatedWaitSeconds(), queued.estimatedWaitMaxSeconds(),
                        "You are number " + queued.position() + " in line; keep this page open", null, null,
                        queued.pollAfterSeconds(), null, null, newQueueToken);
                case WaitingRoomService.Standing.Admitted in -> new Status(true, "admitted", 0, 0, null,
                        "You can now proceed to book tickets", in.accessToken(), in.secondsLeft(), null, null, null, newQueueToken);
                case WaitingRoomService.Standing.Ended ended -> new Status(false, "ended", 0, 0, null,
                        "Your session has ended; join again to come back", null, null, null, null, null, newQueueToken);
                case WaitingRoomService.Standing.Lapsed lapsed -> new Status(false, "lapsed", 0, 0, null,
                        "Your turn came and was not taken in time; join again", null, null, null, null, null, newQueueToken);
                case WaitingRoomService.Standing.NotInQueue gone -> new Status(false, "not_in_queue", 0, 0, null,
                        "This token's place is no longer in the line; join again", null, null, null, null, null, newQueueToken);
            };
        }
    }

    /** Stats, in the old shape plus whether the room is on and the queue's analytics. */
    record Stats(long eventId, long queueSize, long activeSessions, long awaitingClaim, int maxConcurrent, int slotsAvailable, boolean enabled,
                 int sessionDurationSeconds, double admissionsPerMinute, int admitPerMinute, long preQueueSize, String opensAt,
                 String lotterySeed, long admitted, long abandoned, long admittedLastMinute, long waitP50Seconds,
                 long waitP95Seconds, long codesRedeemed) {
        static Stats of(WaitingRoomService.Stats stats) {
            return new Stats(stats.eventId(), stats.queueSize(), stats.activeSessions(), stats.awaitingClaim(), stats.maxConcurrent(),
                    stats.slotsAvailable(), stats.enabled(), stats.sessionSeconds(),
                    Math.round(stats.admissionsPerMinute() * 100) / 100.0, stats.admitPerMinute(), stats.preQueueSize(),
                    stats.opensAt().map(Instant::toString).orElse(null), stats.lotterySeed().orElse(null), stats.admitted(),
                    stats.abandoned(), stats.admittedLastMinute(), stats.waitP50Seconds(), stats.waitP95Seconds(), stats.codesRedeemed());
        }
    }
}
