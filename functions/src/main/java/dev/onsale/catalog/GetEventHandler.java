package dev.onsale.catalog;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/** {@code GET /api/v1/events/{event_id}}: one event with its sections, from the cache. Triggered by the HTTP API. */
public final class GetEventHandler extends ApiHandler {
    private final CatalogService catalog;

    public GetEventHandler() {
        this(Config.fromEnvironment());
    }

    private GetEventHandler(Config config) {
        this(CatalogService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB);
    }

    public GetEventHandler(CatalogService catalog, Caller.AdminRule admins) {
        super(admins);
        this.catalog = catalog;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        long eventId = request.pathId("event_id");
        return catalog.event(eventId)
                .map(event -> ApiResponse.json(200, EventView.of(event)))
                .orElseGet(() -> ApiResponse.error(404, "event_not_found", "Event " + eventId + " does not exist"));
    }
}
