package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/**
 * {@code POST /api/v1/events/{event_id}/waiting-room/disable} (admin): lets everyone through again and
 * drops the line; answers the settings the room had. Triggered by the HTTP API.
 */
public final class DisableWaitingRoomHandler extends WaitingRoomHandler {

    public DisableWaitingRoomHandler() {
        this(Config.fromEnvironment());
    }

    private DisableWaitingRoomHandler(Config config) {
        this(WaitingRoomService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public DisableWaitingRoomHandler(WaitingRoomService rooms, Caller.AdminRule admins) {
        super(rooms, admins);
    }

    @Override
    protected ApiResponse answer(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        WaitingRoomService.RoomSettings room = rooms.disable(eventId);
        return ApiResponse.json(200, WaitingRoomViews.Switched.of("Waiting room disabled for event " + eventId, room));
    }
}
