package dev.onsale.waitingroom;

import dev.onsale.http.ApiException;
import dev.onsale.http.Caller;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import java.util.OptionalInt;

/**
 * {@code POST /api/v1/events/{event_id}/waiting-room/enable?max_concurrent=100&session_duration=300} (admin):
 * puts the event's seat map and bookings behind its waiting room, or changes the settings of a room
 * already on (its line stays). Triggered by the HTTP API.
 */
public final class EnableWaitingRoomHandler extends WaitingRoomHandler {
    public EnableWaitingRoomHandler() {
        this(Config.fromEnvironment());
    }

    private EnableWaitingRoomHandler(Config config) {
        this(WaitingRoomService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public EnableWaitingRoomHandler(WaitingRoomService rooms, Caller.AdminRule admins) {
        super(rooms, admins);
    }

    @Override
    protected ApiResponse answer(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        OptionalInt maxConcurrent = request.queryInt("max_concurrent");
        OptionalInt sessionSeconds = request.queryInt("session_duration");
        rooms.settingsProblem(maxConcurrent, sessionSeconds).ifPresent(problem -> {
            throw ApiException.badRequest(problem);
        });
        WaitingRoomService.RoomSettings room = rooms.enable(eventId, maxConcurrent, sessionSeconds);
        return ApiResponse.json(200, new WaitingRoomViews.Switched("Waiting room enabled for event " + eventId,
                room.maxConcurrent(), room.sessionSeconds()));
    }
}
