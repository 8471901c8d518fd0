package dev.onsale.catalog;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/v1/events?limit=&before=}: events, newest first, a page at a time. Triggered by the HTTP API. */
public final class ListEventsHandler extends ApiHandler {
    private final CatalogService catalog;

    record Page(List<EventView> events, Long nextBefore) {
    }

    public ListEventsHandler() {
        this(Config.fromEnvironment());
    }

    private ListEventsHandler(Config config) {
        this(CatalogService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB);
    }

    public ListEventsHandler(CatalogService catalog, Caller.AdminRule admins) {
        super(admins);
        this.catalog = catalog;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        int limit = request.queryInt("limit", 20, 1, 100);
        Optional<Long> before = request.query("before").map(value -> request.queryId("before"));
        CatalogService.EventPage page = catalog.events(before, limit);
        return ApiResponse.json(200, new Page(page.events().stream().map(EventView::of).toList(), page.nextBefore().orElse(null)));
    }
}
