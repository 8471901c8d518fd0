package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/**
 * {@code GET /api/v1/events/{event_id}/waiting-room/stats}: the length of the line, the open sessions and
 * the free slots. Triggered by the HTTP API.
 */
public final class WaitingRoomStatsHandler extends WaitingRoomHandler {

    public WaitingRoomStatsHandler() {
        this(Config.fromEnvironment());
    }

    private WaitingRoomStatsHandler(Config config) {
        this(WaitingRoomService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public WaitingRoomStatsHandler(WaitingRoomService rooms, Caller.AdminRule admins) {
        super(rooms, admins);
    }

    @Override
    protected ApiResponse answer(ApiRequest request) {
        long eventId = request.pathId("event_id");
        return ApiResponse.json(200, WaitingRoomViews.Stats.of(rooms.stats(eventId))).header("cache-control", "no-store");
    }
}
