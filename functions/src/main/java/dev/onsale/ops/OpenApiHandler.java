package dev.onsale.ops;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;

/**
 * {@code GET /openapi.json} (public): the API's OpenAPI 3.1 description, held in memory with a strong
 * {@code ETag} ({@code If-None-Match} answers 304). Triggered by the HTTP API.
 */
public final class OpenApiHandler extends ApiHandler {
    /** Where the description lives in the jar; {@code OpenApiDescriptionTest} checks it against template.yaml. */
    public static final String DESCRIPTION = "dev/onsale/ops/openapi.json";

    private final StaticFile description;

    public OpenApiHandler() {
        this(Resources.require(DESCRIPTION));
    }

    public OpenApiHandler(byte[] description) {
        super(Caller.AdminRule.NOBODY);
        this.description = new StaticFile("application/json", description);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return description.answer(request, "public, max-age=60")
                .header("access-control-allow-origin", "*");
    }
}
