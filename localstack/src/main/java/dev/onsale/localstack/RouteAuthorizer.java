package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

/**
 * The gateway's authorization step, run before a guarded route's function: it either lets the request
 * through with the authorizer context the function will see, or answers it (401/403) itself, as API
 * Gateway's JWT authorizer does.
 */
interface RouteAuthorizer {

    sealed interface Decision permits Allow, Deny {}

    /** @param context {@code requestContext.authorizer}, null for none */
    record Allow(APIGatewayV2HTTPEvent.RequestContext.Authorizer context) implements Decision {}

    record Deny(int statusCode, String jsonBody) implements Decision {}

    /**
     * @param event         the event as built so far (headers, query, ...), without an authorizer
     * @param authorization the route's JWT authorizer, null when the route is open
     */
    Decision authorize(APIGatewayV2HTTPEvent event, HttpRoute.Authorization authorization);

    static RouteAuthorizer forMode(AuthMode mode, boolean devAdmin, String adminGroup) {
        return switch (mode) {
            case DEV -> new DevRouteAuthorizer(devAdmin, adminGroup);
            case NONE -> (event, authorization) -> new Allow(null);
        };
    }
}
