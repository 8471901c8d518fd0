package dev.onsale.localstack;

import java.util.List;

/**
 * One route of the local HTTP API: {@code GET /api/v1/events/{event_id}}, {@code ANY /files/{proxy+}} or
 * {@code $default} (null path), served by one function.
 *
 * @param authorization the JWT authorizer guarding the route, null when the route is open
 */
record HttpRoute(String method, String path, LocalFunction function, Authorization authorization) {

    static final String ANY = "ANY";
    static final String DEFAULT_ROUTE_KEY = "$default";

    /**
     * A JWT authorizer on a route, with the scopes the route asks for.
     *
     * @param issuer         the authorizer's {@code JwtConfiguration.issuer}
     * @param audiences      its {@code JwtConfiguration.audience}
     * @param identityHeader the header of its {@code IdentitySource} (default Authorization); null when the
     *                       source is not a header, which the local gateway cannot read
     */
    record Authorization(String authorizerName, List<String> scopes, String issuer, List<String> audiences,
                         String identityHeader) {}

    /** API Gateway's routeKey: {@code "GET /api/v1/events/{event_id}"} or {@code "$default"}. */
    String routeKey() {
        return path == null ? DEFAULT_ROUTE_KEY : method + " " + path;
    }
}
