package dev.onsale.presale;

import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Caller;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;

/**
 * {@code POST /api/v1/events/{event_id}/codes} (admin): makes presale codes for an event and answers them in plain
 * text, this once (only their hashes are stored). Triggered by the HTTP API.
 */
public final class CreatePresaleCodesHandler extends ApiHandler {
    private final PresaleCodeService codes;

    public CreatePresaleCodesHandler() {
        this(Config.fromEnvironment());
    }

    private CreatePresaleCodesHandler(Config config) {
        this(PresaleCodeService.create(config), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB, Dependency.REDIS);
    }

    public CreatePresaleCodesHandler(PresaleCodeService codes, Caller.AdminRule admins) {
        super(admins);
        this.codes = codes;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        long eventId = request.pathId("event_id");
        NewCodes body = request.body(NewCodes.class);
        return switch (codes.create(eventId, body)) {
            case PresaleCodeService.Creation.Created created -> ApiResponse.json(201, CodeViews.Created.of(created))
                    .header("cache-control", "no-store");
            case PresaleCodeService.Creation.Invalid invalid -> ApiResponse.error(400, "bad_request", invalid.detail());
            case PresaleCodeService.Creation.UnknownEvent unknown ->
                    ApiResponse.error(404, "event_not_found", "Event " + unknown.eventId() + " does not exist");
            case PresaleCodeService.Creation.Busy busy -> ApiResponse.error(503, "service_busy",
                    "The codes could not all be stored right now; none of them is shown: retry in a moment").header("retry-after", "1");
        };
    }
}
