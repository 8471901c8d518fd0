package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The request each HTTP function makes to itself before its SnapStart snapshot: read from
 * {@code priming-requests.json} by the handler's class name, so priming lives in one table rather than
 * in every handler. Each request writes no data: it names ids that never exist, or is refused.
 * A handler missing from the table is primed with a request for an unknown path.
 */
public final class PrimingRequests {
    /** The caller of priming requests; its rate-limit counters in Redis expire on their own. */
    static final String USER = "snapstart-primer";

    private PrimingRequests() {
    }

    public static APIGatewayV2HTTPEvent forHandler(Class<?> handler, Caller.AdminRule admins) {
        JsonNode spec = table().path(handler.getSimpleName());
        String method = spec.path("method").asText("GET");
        String template = spec.path("path").asText("/snapstart-priming");
        Map<String, String> parameters = strings(spec.path("parameters"));
        Map<String, String> query = strings(spec.path("query"));
        String rawPath = template;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            rawPath = rawPath.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        Map<String, String> claims = new HashMap<>(Map.of("sub", USER));
        if (spec.path("admin").asBoolean(false)) {
            claims.put(admins.groupsClaim(), "[" + admins.group() + "]");
        }
        String body = spec.path("body").isTextual() ? spec.path("body").asText() : null;
        Map<String, String> headers = new HashMap<>(Map.of("user-agent", "snapstart-priming"));
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + template)
                .withRawPath(rawPath)
                .withRawQueryString(query.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")))
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(parameters.isEmpty() ? null : parameters)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming")
                        .withRouteKey(method + " " + template)
                        .withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(rawPath)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("192.0.2.1") // TEST-NET-1: an address no client has
                                .withUserAgent("snapstart-priming")
                                .build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(claims)
                                        .build())
                                .build())
                        .build())
                .build();
    }

    private static JsonNode table() {
        try (InputStream in = PrimingRequests.class.getResourceAsStream("priming-requests.json")) {
            if (in == null) {
                throw new IllegalStateException("priming-requests.json missing beside " + PrimingRequests.class.getName());
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.properties().forEach(field -> values.put(field.getKey(), field.getValue().asText()));
        return values;
    }
}
