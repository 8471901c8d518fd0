package dev.onsale.catalog;

import dev.onsale.http.ApiException;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Caller;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.waitingroom.WaitingRoomService;
import dev.onsale.waitingroom.WaitingRoomViews;
import io.lettuce.core.RedisException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code POST /api/v1/events/{event_id}/waiting-room/enable?max_concurrent=100&session_duration=300&admit_per_minute=600
 * &pre_queue_opens_at=2027-06-01T09:00:00Z} (admin): puts the event's seat map and bookings behind its waiting room, or
 * changes the switches of a room already on (its line stays); absent switches take the defaults. In the catalog, since
 * a pre-queue opens before the event's {@code on_sale_at}. Triggered by the HTTP API.
 */
public final class EnableWaitingRoomHandler extends ApiHandler {
    private static final System.Logger LOG = System.getLogger(EnableWaitingRoomHandler.class.getName());

    private final CatalogService catalog;

    public EnableWaitingRoomHandler() {
        this(Config.fromEnvironment());
    }

    private EnableWaitingRoomHandler(Config config) {
        this(CatalogService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB);
    }

    public EnableWaitingRoomHandler(CatalogService catalog, Caller.AdminRule admins) {
        super(admins);
        this.catalog = catalog;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        WaitingRoomService.Switches asked = new WaitingRoomService.Switches(request.queryInt("max_concurrent"),
                request.queryInt("session_duration"), request.queryInt("admit_per_minute"),
                request.query("pre_queue_opens_at").filter(text -> !text.isBlank()).map(EnableWaitingRoomHandler::instant));
        try {
            return switch (catalog.enableWaitingRoom(eventId, asked)) {
                case CatalogService.RoomSwitch.Enabled enabled -> ApiResponse.json(200,
                        WaitingRoomViews.Switched.of("Waiting room enabled for event " + eventId, enabled.room()));
                case CatalogService.RoomSwitch.NoEvent none -> ApiResponse.error(404, "event_not_found",
                        "Event " + eventId + " does not exist");
                case CatalogService.RoomSwitch.Invalid invalid -> throw ApiException.badRequest(invalid.detail());
            };
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "Redis failed enabling the waiting room of event " + eventId + ": " + e);
            return ApiResponse.error(503, "waiting_room_unavailable", "The waiting room cannot be reached right now; retry in a few seconds")
                    .header("retry-after", "2");
        }
    }

    private static Instant instant(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("pre_queue_opens_at must be an ISO-8601 date-time with an offset, e.g. 2027-06-01T09:00:00Z");
        }
    }
}
