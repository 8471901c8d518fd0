package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/**
 * {@code POST /api/v1/events/{event_id}/waiting-room/enable?max_concurrent=100&session_duration=300} (admin):
 * puts the event's seat map and bookings behind its waiting room, or changes the settings of a room
 * already on (its line stays). Triggered by the HTTP API.
 */
public final class EnableWaitingRoomHandler extends WaitingRoomHandler {
    static final int MAX_CONCURRENT_LIMIT = 1_000_000;
    static final int SESSION_SECONDS_LIMIT = 86_400;

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
        int maxConcurrent = request.queryInt("max_concurrent", rooms.settings().defaultMaxConcurrent(), 1, MAX_CONCURRENT_LIMIT);
        int sessionSeconds = request.queryInt("session_duration", (int) rooms.settings().defaultSession().toSeconds(),
                1, SESSION_SECONDS_LIMIT);
        WaitingRoomService.RoomSettings room = rooms.enable(eventId, maxConcurrent, sessionSeconds);
        return ApiResponse.json(200, new WaitingRoomViews.Switched("Waiting room enabled for event " + eventId,
                room.maxConcurrent(), room.sessionSeconds()));
    }
}
