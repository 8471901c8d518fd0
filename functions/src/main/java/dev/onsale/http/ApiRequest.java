package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.onsale.platform.Json;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** An API Gateway HTTP API (payload 2.0) request, read the way every handler reads it. */
public final class ApiRequest {
    /** Bodies above this are refused before parsing; no route takes more. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final ObjectReader STRICT_JSON = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final APIGatewayV2HTTPEvent event;
    private final Caller.AdminRule admins;
    private Caller caller;
    private CompletableFuture<Object> readAhead;
    /** The body as last read, by type: a guard and the handler read it once between them. */
    private Class<?> bodyType;
    private Object body;
    private ApiException bodyRefused;

    public ApiRequest(APIGatewayV2HTTPEvent event, Caller.AdminRule admins) {
        this.event = event;
        this.admins = admins;
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

    /** The reply to the route's read sent ahead with its guards ({@link ApiHandler#readAhead}); empty when none was sent. */
    public Optional<CompletableFuture<Object>> readAhead() {
        return Optional.ofNullable(readAhead);
    }

    void readAhead(CompletableFuture<Object> reply) {
        this.readAhead = reply;
    }

    /** What the route's guards may see of this request. */
    public Guard.Request forGuards() {
        return new Guard.Request(routeKey(), caller().userId(), sourceIp(),
                orEmpty(event.getPathParameters()), orEmpty(event.getHeaders()), orEmpty(event.getQueryStringParameters()),
                bodyForGuards(), this::acceptedBody);
    }

    /**
     * The body of a guard's request as {@code type}, read exactly as the route's {@link #body} will read it; empty
     * when the route will refuse the body (so a guard that routes by the body can leave that refusal to it).
     */
    public static <T> Optional<T> bodyOf(Guard.Request request, Class<T> type) {
        if (request.bodyReader() != null) {
            return request.bodyReader().as(type);
        }
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(request.headers());
        event.setBody(request.body());
        try {
            return Optional.of(new ApiRequest(event, Caller.AdminRule.NOBODY).body(type));
        } catch (ApiException refused) {
            return Optional.empty();
        }
    }

    private <T> Optional<T> acceptedBody(Class<T> type) {
        try {
            return Optional.of(body(type));
        } catch (ApiException refused) {
            return Optional.empty();
        }
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
        OptionalInt value = queryInt(name);
        if (value.isEmpty()) {
            return fallback;
        }
        int parsed = value.getAsInt();
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(name + " must be between " + min + " and " + max);
        }
        return parsed;
    }

    /** An integer query parameter, if sent; 400 when it is not an integer. */
    public OptionalInt queryInt(String name) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.get().trim()));
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

    /**
     * The JSON body as {@code type}: 415 for another media type or charset, 413 when too big, 400 when it is
     * not JSON in UTF-8 (a leading byte order mark is ignored), names a field twice or holds text that is not
     * Unicode (an unpaired surrogate), 422 when it is JSON of the wrong shape.
     */
    public <T> T body(Class<T> type) {
        if (type == bodyType) {
            if (bodyRefused != null) {
                throw bodyRefused;
            }
            return type.cast(body);
        }
        bodyType = type;
        try {
            body = readBody(type);
            bodyRefused = null;
            return type.cast(body);
        } catch (ApiException refused) {
            body = null;
            bodyRefused = refused;
            throw refused;
        }
    }

    private <T> T readBody(Class<T> type) {
        Optional<String> contentType = header("content-type");
        if (contentType.isPresent()) {
            requireJsonMediaType(contentType.get());
        }
        String text = bodyText();
        if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw ApiException.badRequest("A JSON body is required");
        }
        JsonNode tree;
        try {
            tree = STRICT_JSON.readTree(text);
        } catch (JsonParseException e) {
            throw new ApiException(400, "malformed_json", e.getOriginalMessage().startsWith("Duplicate field")
                    ? "The body names a field twice" : "The body is not valid JSON");
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "The body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.unprocessable("The body must be a JSON object");
        }
        if (holdsUnpairedSurrogate(tree)) {
            throw new ApiException(400, "malformed_json", "The body holds text that is not valid Unicode (an unpaired surrogate)");
        }
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.unprocessable("Unknown field '" + shortened(e.getPropertyName()) + "'");
        } catch (MismatchedInputException e) {
            // Jackson's own message names Java types: say what the field takes instead
            throw ApiException.unprocessable("Invalid value at " + fieldPath(e) + ": expected " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw ApiException.unprocessable("Invalid value at " + fieldPath(e));
        } catch (InputCoercionException e) {
            throw ApiException.unprocessable("A number in the body is out of range");
        } catch (JsonProcessingException e) {
            throw ApiException.unprocessable("The body does not match the expected shape");
        }
    }

    /** JSON, in UTF-8 (RFC 8259 allows no other charset): {@code application/json} or {@code application/*+json}. */
    private static void requireJsonMediaType(String contentType) {
        String[] parts = contentType.split(";", -1);
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !(mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset") && (parameter.length < 2
                    || !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
                throw new ApiException(415, "unsupported_media_type", "Send the body as JSON in UTF-8 (charset=utf-8)");
            }
        }
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class || type == BigInteger.class
                || type == int.class || type == long.class || type == short.class || type == byte.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.isEnum() ? "one of the allowed values" : "an object";
    }

    private static boolean holdsUnpairedSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.textValue());
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (hasUnpairedSurrogate(field.getKey()) || holdsUnpairedSurrogate(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (holdsUnpairedSurrogate(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String shortened(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
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
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new ApiException(400, "malformed_json", "The body is not valid UTF-8");
            }
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

    /** Read from the claims once: the guards, the handler and the request's log line all ask. */
    public Caller caller() {
        if (caller == null) {
            var context = event.getRequestContext();
            caller = context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                    ? Caller.ANONYMOUS
                    : Caller.fromClaims(context.getAuthorizer().getJwt().getClaims(), admins);
        }
        return caller;
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
        // ASCII digits only: Character.isDigit (and Long.parseLong) would take other scripts' digits too
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
        long parsed = Long.parseLong(value);
        if (parsed <= 0) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
        return parsed;
    }
}
