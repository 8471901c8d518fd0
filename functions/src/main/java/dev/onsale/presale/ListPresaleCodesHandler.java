package dev.onsale.presale;

import dev.onsale.http.ApiException;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Caller;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import java.util.Optional;

/**
 * {@code GET /api/v1/events/{event_id}/codes?limit=100&after=<id>} (admin): an event's presale codes with their uses,
 * windows and a two-character hint; never the codes themselves. Triggered by the HTTP API.
 */
public final class ListPresaleCodesHandler extends ApiHandler {
    static final int MAX_LIMIT = 1_000;
    private final PresaleCodeService codes;

    public ListPresaleCodesHandler() {
        this(Config.fromEnvironment());
    }

    private ListPresaleCodesHandler(Config config) {
        this(PresaleCodeService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB, Dependency.REDIS);
    }

    public ListPresaleCodesHandler(PresaleCodeService codes, Caller.AdminRule admins) {
        super(admins);
        this.codes = codes;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        int limit = request.queryInt("limit", 100, 1, MAX_LIMIT);
        Optional<String> after = request.query("after");
        if (after.isPresent() && (after.get().isEmpty() || after.get().length() > 64)) {
            throw ApiException.badRequest("after must be a code id from a previous page");
        }
        return switch (codes.list(eventId, after, limit)) {
            case PresaleCodeService.Listing.Listed listed -> ApiResponse.json(200, CodeViews.Page.of(listed))
                    .header("cache-control", "no-store");
            case PresaleCodeService.Listing.UnknownEvent unknown ->
                    ApiResponse.error(404, "event_not_found", "Event " + unknown.eventId() + " does not exist");
        };
    }
}
