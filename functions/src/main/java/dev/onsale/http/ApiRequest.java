package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.onsale.platform.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** An API Gateway HTTP API (payload 2.0) request, read the way every handler reads it. */
public final class ApiRequest {
    /** Bodies above this are refused before parsing; no route takes more. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final APIGatewayV2HTTPEvent event;
    private final String adminGroup;

    public ApiRequest(APIGatewayV2HTTPEvent event, String adminGroup) {
        this.event = event;
        this.adminGroup = adminGroup;
    }

    public String method() {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getMethod() == null ? "" : http.getMethod().toUpperCase(Locale.ROOT);
    }

    public String path() {
        return event.getRawPath() == null ? "/" : event.getRawPath();
    }

    /** The client's address as API Gateway saw the connection; never a header, which a client could set. Empty when unknown. */
    public String sourceIp() {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getSourceIp() == null ? "" : http.getSourceIp();
    }

    /** The route as API Gateway matched it ({@code GET /api/v1/events/{event_id}/seats}). */
    public String routeKey() {
        String routeKey = event.getRouteKey();
        return routeKey == null || routeKey.isEmpty() || routeKey.equals("$default") ? method() + " " + path() : routeKey;
    }

    /** What the route's guards may see of this request. */
    public Guard.Request forGuards() {
        return new Guard.Request(routeKey(), caller().userId(), sourceIp(),
                orEmpty(event.getPathParameters()), orEmpty(event.getHeaders()), orEmpty(event.getQueryStringParameters()),
                bodyForGuards());
    }

    /** The body as text for a guard that routes by it; a body the route would refuse reaches no guard as such. */
    private String bodyForGuards() {
        try {
            return bodyText();
        } catch (ApiException refusedLater) {
            return "";
        }
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    public String requestId() {
        return event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    }

    /** A path parameter that must be a positive integer id, e.g. {@code event_id}. */
    public long pathId(String name) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        return positiveLong(name, value);
    }

    /** A path parameter as API Gateway decoded it, e.g. a file name. */
    public Optional<String> pathParameter(String name) {
        Map<String, String> parameters = event.getPathParameters();
        return Optional.ofNullable(parameters == null ? null : parameters.get(name));
    }

    /** A query parameter that must be a positive integer id, e.g. {@code before}. */
    public long queryId(String name) {
        return positiveLong(name, query(name).orElse(null));
    }

    public Optional<String> query(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return Optional.ofNullable(query == null ? null : query.get(name));
    }

    public int queryInt(String name, int fallback, int min, int max) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get().trim());
            if (parsed < min || parsed > max) {
                throw ApiException.badRequest(name + " must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer");
        }
    }

    public Optional<String> header(String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        if (value == null) {
            // API Gateway lower-cases names; hand-built events may not.
            value = headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
        return Optional.ofNullable(value);
    }

    public boolean acceptsGzip() {
        return header("accept-encoding")
                .map(v -> v.toLowerCase(Locale.ROOT))
                .filter(v -> v.contains("gzip") && !v.contains("gzip;q=0"))
                .isPresent();
    }

    /** The JSON body as {@code type}: 415 for another media type, 413 when too big, 400/422 when malformed. */
    public <T> T body(Class<T> type) {
        Optional<String> contentType = header("content-type");
        if (contentType.isPresent() && !contentType.get().toLowerCase(Locale.ROOT).contains("json")) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
        String text = bodyText();
        if (text.isBlank()) {
            throw ApiException.badRequest("A JSON body is required");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "The body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.unprocessable("The body must be a JSON object");
        }
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.unprocessable("Unknown field '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            throw ApiException.unprocessable("Invalid value at " + fieldPath(e) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            throw ApiException.unprocessable("The body does not match the expected shape");
        }
    }

    private String bodyText() {
        String body = event.getBody();
        if (body == null) {
            return "";
        }
        if (event.getIsBase64Encoded()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("The body is not valid base64");
            }
            checkSize(bytes.length);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        checkSize(body.length());
        return body;
    }

    private static void checkSize(int length) {
        if (length > MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "The body may be at most " + MAX_BODY_BYTES + " bytes");
        }
    }

    private static String fieldPath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "the body" : "'" + path + "'";
    }

    public Caller caller() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null) {
            return Caller.ANONYMOUS;
        }
        return Caller.fromClaims(context.getAuthorizer().getJwt().getClaims(), adminGroup);
    }

    /** The calling user's id; 401 when the request carries none. */
    public String requireUser() {
        return caller().userId().orElseThrow(() -> new ApiException(401, "unauthorized", "Sign in to use this route"));
    }

    public void requireAdmin() {
        Caller caller = caller();
        if (!caller.admin()) {
            throw caller.userId().isEmpty()
                    ? new ApiException(401, "unauthorized", "This route needs an admin's token")
                    : new ApiException(403, "forbidden", "This route is for admins");
        }
    }

    static long positiveLong(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
        long parsed = Long.parseLong(value);
        if (parsed <= 0) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
        return parsed;
    }
}
