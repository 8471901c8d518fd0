package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import io.lettuce.core.RedisException;

/** The shared edge of the waiting room's API routes: the room lives in Redis, so Redis down is a 503. */
abstract class WaitingRoomHandler extends ApiHandler {
    private static final System.Logger LOG = System.getLogger(WaitingRoomHandler.class.getName());

    protected final WaitingRoomService rooms;

    WaitingRoomHandler(WaitingRoomService rooms, Caller.AdminRule admins) {
        this(rooms, Guards.NONE, admins);
    }

    WaitingRoomHandler(WaitingRoomService rooms, Guards guards, Caller.AdminRule admins) {
        super(admins, guards);
        this.rooms = rooms;
    }

    protected abstract ApiResponse answer(ApiRequest request);

    @Override
    protected final ApiResponse handle(ApiRequest request) {
        try {
            return answer(request);
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Redis failed on " + request.method() + " " + request.path()
                    + " (request " + request.requestId() + "): " + e);
            return ApiResponse.error(503, "waiting_room_unavailable", "The waiting room cannot be reached right now; retry in a few seconds")
                    .header("retry-after", "2");
        }
    }
}
