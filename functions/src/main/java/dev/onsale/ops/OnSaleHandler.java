package dev.onsale.ops;

import dev.onsale.catalog.CatalogService;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Caller;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Redis;
import io.lettuce.core.RedisException;

/**
 * {@code GET /api/v1/events/{event_id}/on-sale?minutes=10} (admin): the event's seats by state and the 429s of the
 * last minutes by rule, for the operator's console beside the waiting room's stats. Triggered by the HTTP API.
 */
public final class OnSaleHandler extends ApiHandler {
    /** Minutes of refusals answered when the request names none. */
    public static final int DEFAULT_MINUTES = 10;

    private final OnSaleFigures figures;

    public OnSaleHandler() {
        this(Config.fromEnvironment());
    }

    private OnSaleHandler(Config config) {
        this(new OnSaleFigures(CatalogService.create(config), Redis.shared(config.redis()), config.protection().guardTimeout(),
                System::currentTimeMillis), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB);
    }

    public OnSaleHandler(OnSaleFigures figures, Caller.AdminRule admins) {
        super(admins);
        this.figures = figures;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        int minutes = request.queryInt("minutes", DEFAULT_MINUTES, 1, OnSaleFigures.MAX_MINUTES);
        try {
            return switch (figures.figures(eventId, minutes)) {
                case OnSaleFigures.Outcome.Found found -> ApiResponse.json(200, found.figures());
                case OnSaleFigures.Outcome.UnknownEvent unknown ->
                        ApiResponse.error(404, "event_not_found", "Event " + eventId + " does not exist");
                case OnSaleFigures.Outcome.Busy busy ->
                        ApiResponse.error(503, "seat_map_unavailable", "The seat map is being rebuilt; retry in a second")
                                .header("retry-after", "1");
            };
        } catch (RedisException e) {
            return ApiResponse.error(503, "cache_unavailable", "The cache cannot be reached right now").header("retry-after", "5");
        }
    }
}
