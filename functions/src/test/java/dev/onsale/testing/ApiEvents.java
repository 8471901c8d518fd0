package dev.onsale.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/** API Gateway HTTP API (payload 2.0) events built by hand, for calling a handler instance directly. */
public final class ApiEvents {
    private ApiEvents() {
    }

    /** A request as API Gateway would pass it: the route, the caller's {@code sub}, the connection's source address. */
    public static APIGatewayV2HTTPEvent request(String method, String routeKey, String path, Map<String, String> pathParameters,
                                                Map<String, String> query, String user, String sourceIp, String body) {
        return request(method, routeKey, path, pathParameters, query, user, sourceIp, body, Map.of());
    }

    /** The same with more (lower-case) headers. */
    public static APIGatewayV2HTTPEvent request(String method, String routeKey, String path, Map<String, String> pathParameters,
                                                Map<String, String> query, String user, String sourceIp, String body,
                                                Map<String, String> headers) {
        Map<String, String> allHeaders = new java.util.HashMap<>(headers);
        if (body != null) {
            allHeaders.put("content-type", "application/json");
        }
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(method + " " + routeKey)
                .withRawPath(path)
                .withPathParameters(pathParameters)
                .withQueryStringParameters(query)
                .withHeaders(allHeaders)
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("test-" + System.nanoTime())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withSourceIp(sourceIp).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", user)).build()).build())
                        .build())
                .build();
    }
}
