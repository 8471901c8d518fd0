package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.protection.SurgeProtection;

/**
 * {@code POST /api/v1/events/{event_id}/waiting-room/join} (signed in): a place at the back of the line,
 * or the caller's place and token again. Guarded by the user's and the address's join limits (failing closed).
 * Triggered by the HTTP API.
 */
public final class JoinWaitingRoomHandler extends WaitingRoomHandler {

    public JoinWaitingRoomHandler() {
        this(Config.fromEnvironment());
    }

    private JoinWaitingRoomHandler(Config config) {
        this(WaitingRoomService.create(config), Guards.of(config, SurgeProtection.of(config).joinWaitingRoom()), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public JoinWaitingRoomHandler(WaitingRoomService rooms, Guards guards, Caller.AdminRule admins) {
        super(rooms, guards, admins);
    }

    @Override
    protected ApiResponse answer(ApiRequest request) {
        String userId = request.requireUser();
        long eventId = request.pathId("event_id");
        WaitingRoomService.Joined joined = rooms.join(eventId, userId);
        if (joined.standing() instanceof WaitingRoomService.Standing.NotOpen notOpen) {
            return ApiResponse.error(403, "waiting_room_not_open", "The waiting room opens at " + notOpen.preQueueOpensAt()
                    + "; join then").retryAfter(java.time.Duration.between(java.time.Instant.now(), notOpen.preQueueOpensAt()));
        }
        return ApiResponse.json(200, WaitingRoomViews.Joined.of(joined)).header("cache-control", "no-store");
    }
}
