package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.time.Clock;
import java.util.Map;

/**
 * The gateway's authorization step, run before a guarded route's function: it either lets the request
 * through with the authorizer context the function will see, or answers it (401/403) itself, as API
 * Gateway's JWT authorizer does.
 */
interface RouteAuthorizer {

    sealed interface Decision permits Allow, Deny {}

    /** @param context {@code requestContext.authorizer}, null for none */
    record Allow(APIGatewayV2HTTPEvent.RequestContext.Authorizer context) implements Decision {}

    /** @param headers extra response headers, e.g. {@code www-authenticate} */
    record Deny(int statusCode, String jsonBody, Map<String, String> headers) implements Decision {
        Deny(int statusCode, String jsonBody) {
            this(statusCode, jsonBody, Map.of());
        }
    }

    /**
     * @param event         the event as built so far (headers, query, ...), without an authorizer
     * @param authorization the route's JWT authorizer, null when the route is open
     */
    Decision authorize(APIGatewayV2HTTPEvent event, HttpRoute.Authorization authorization);

    /** @param jwtKey the local issuer's key, used in JWT mode only */
    static RouteAuthorizer forMode(AuthMode mode, boolean devAdmin, String adminGroup, LocalJwtKey jwtKey, Clock clock) {
        return switch (mode) {
            case DEV -> new DevRouteAuthorizer(devAdmin, adminGroup);
            case JWT -> new JwtRouteAuthorizer(jwtKey, clock);
            case NONE -> (event, authorization) -> new Allow(null);
        };
    }
}
