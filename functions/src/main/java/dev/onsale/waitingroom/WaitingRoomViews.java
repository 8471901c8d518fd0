package dev.onsale.waitingroom;

/** The waiting room's answers on the wire (snake_case, in the shapes the old system answered). */
final class WaitingRoomViews {
    private WaitingRoomViews() {
    }

    /** Enable and disable. */
    record Switched(String message, int maxConcurrentUsers, int sessionDurationSeconds) {
    }

    /** Join: the queue token, the place, and once admitted the access token. */
    record Joined(String token, long position, long estimatedWaitSeconds, String status, String accessToken,
                  Integer pollAfterSeconds) {
        static Joined of(WaitingRoomService.Joined joined) {
            Status status = Status.of(joined.standing());
            return new Joined(joined.queueToken(), status.position(), status.estimatedWaitSeconds(), status.status(),
                    status.accessToken(), status.pollAfterSeconds());
        }
    }

    /** Status: where the token's holder stands, and once admitted the access token to present. */
    record Status(boolean admitted, String status, long position, long estimatedWaitSeconds, String message,
                  String accessToken, Long sessionExpiresInSeconds, Integer pollAfterSeconds) {
        static Status of(WaitingRoomService.Standing standing) {
            return switch (standing) {
                case WaitingRoomService.Standing.Open open -> new Status(true, "admitted", 0, 0,
                        "The waiting room is off: go ahead", null, null, null);
                case WaitingRoomService.Standing.Queued queued -> new Status(false, "queued", queued.position(),
                        queued.estimatedWaitSeconds(), "You are number " + queued.position() + " in line; keep this page open",
                        null, null, queued.pollAfterSeconds());
                case WaitingRoomService.Standing.Admitted in -> new Status(true, "admitted", 0, 0,
                        "You can now proceed to book tickets", in.accessToken(), in.secondsLeft(), null);
                case WaitingRoomService.Standing.Ended ended -> new Status(false, "ended", 0, 0,
                        "Your session has ended; join again to come back", null, null, null);
                case WaitingRoomService.Standing.Lapsed lapsed -> new Status(false, "lapsed", 0, 0,
                        "You stopped checking in and the line moved past your place; join again", null, null, null);
                case WaitingRoomService.Standing.NotInQueue gone -> new Status(false, "not_in_queue", 0, 0,
                        "This token's place is no longer in the line; join again", null, null, null);
            };
        }
    }

    /** Stats, in the old shape plus whether the room is on. */
    record Stats(long eventId, long queueSize, long activeSessions, int maxConcurrent, int slotsAvailable, boolean enabled,
                 int sessionDurationSeconds, double admissionsPerMinute) {
        static Stats of(WaitingRoomService.Stats stats) {
            return new Stats(stats.eventId(), stats.queueSize(), stats.activeSessions(), stats.maxConcurrent(),
                    stats.slotsAvailable(), stats.enabled(), stats.sessionSeconds(),
                    Math.round(stats.admissionsPerMinute() * 100) / 100.0);
        }
    }
}
