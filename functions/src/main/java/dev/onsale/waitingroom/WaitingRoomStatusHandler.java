package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiException;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.protection.SurgeProtection;

/**
 * {@code GET /api/v1/events/{event_id}/waiting-room/status?token=...}: checks in with the queue token
 * (which is the credential: no sign-in needed), and answers the place, the estimated wait, and once
 * admitted the access token. Guarded by the place's check-in pace (the token's holder, per event) and the
 * address's limit (failing closed); a request without a good token is answered 401 by the first.
 * Triggered by the HTTP API.
 */
public final class WaitingRoomStatusHandler extends WaitingRoomHandler {

    public WaitingRoomStatusHandler() {
        this(Config.fromEnvironment());
    }

    private WaitingRoomStatusHandler(Config config) {
        this(config, WaitingRoomService.create(config));
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    private WaitingRoomStatusHandler(Config config, WaitingRoomService rooms) {
        this(rooms, Guards.of(config, SurgeProtection.of(config).waitingRoomStatus(rooms::placeOf, rooms::whyNoPlace)), config.admins());
    }

    public WaitingRoomStatusHandler(WaitingRoomService rooms, Guards guards, Caller.AdminRule admins) {
        super(rooms, guards, admins);
    }

    @Override
    protected ApiResponse answer(ApiRequest request) {
        long eventId = request.pathId("event_id");
        String token = request.query("token").filter(t -> !t.isBlank())
                .orElseThrow(() -> ApiException.badRequest("token is required: the token joining answered"));
        return switch (rooms.status(eventId, token, request.caller().userId())) {
            case WaitingRoomService.StatusOutcome.Known known ->
                    ApiResponse.json(200, WaitingRoomViews.Status.of(known.standing(), known.queueToken().orElse(null))).header("cache-control", "no-store");
            case WaitingRoomService.StatusOutcome.BadToken bad -> ApiResponse.error(403, "invalid_token",
                    "The queue token was refused: " + bad.reason());
        };
    }
}
