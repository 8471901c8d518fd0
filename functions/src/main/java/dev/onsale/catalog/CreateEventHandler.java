package dev.onsale.catalog;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/**
 * {@code POST /api/v1/events} (admin): creates an event and all of its seats, with its sale window and, when
 * asked, its waiting room on from the start. Triggered by the HTTP API.
 */
public final class CreateEventHandler extends ApiHandler {
    private final CatalogService catalog;

    public CreateEventHandler() {
        this(Config.fromEnvironment());
    }

    private CreateEventHandler(Config config) {
        this(CatalogService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB, Dependency.REDIS);
    }

    public CreateEventHandler(CatalogService catalog, Caller.AdminRule admins) {
        super(admins);
        this.catalog = catalog;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        NewEvent body = request.body(NewEvent.class);
        return switch (catalog.create(body)) {
            case CatalogService.Creation.Created created -> ApiResponse.json(201, EventView.of(created.event()))
                    .header("location", "/api/v1/events/" + created.event().id());
            case CatalogService.Creation.Invalid invalid -> ApiResponse.error(422, "validation_failed", invalid.detail());
            case CatalogService.Creation.WaitingRoomUnavailable unavailable -> ApiResponse.error(503, "waiting_room_unavailable",
                    "The event was not created: its waiting room could not be switched on; retry in a moment")
                    .header("retry-after", "1");
        };
    }
}
