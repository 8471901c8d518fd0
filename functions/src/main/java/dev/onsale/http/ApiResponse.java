package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.platform.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What a handler answers; turned into API Gateway's response shape at the edge. */
public final class ApiResponse {
    private final int status;
    private final String body;
    private final boolean base64;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String error;
    private String refusedBy;

    private ApiResponse(int status, String body, boolean base64, String contentType) {
        this.status = status;
        this.body = body;
        this.base64 = base64;
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
    }

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, Json.write(value), false, "application/json");
    }

    /** A body that is already JSON text (for example, straight from a cache). */
    public static ApiResponse rawJson(int status, String json) {
        return new ApiResponse(status, json, false, "application/json");
    }

    /** A gzip-compressed JSON body, already base64-encoded as API Gateway wants binary bodies. */
    public static ApiResponse gzippedJson(int status, String base64Gzip) {
        ApiResponse response = new ApiResponse(status, base64Gzip, true, "application/json");
        response.headers.put("content-encoding", "gzip");
        return response;
    }

    /** A text body of another media type, such as an HTML page. */
    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, body, false, contentType);
    }

    /** A body of bytes (an image, a pre-compressed file), base64-encoded as API Gateway wants binary bodies. */
    public static ApiResponse binary(int status, String contentType, byte[] body) {
        return new ApiResponse(status, java.util.Base64.getEncoder().encodeToString(body), true, contentType);
    }

    /** An HTML page of our own: its Content-Security-Policy, no MIME sniffing, no referrer, cached five minutes. */
    public static ApiResponse page(String html, String contentSecurityPolicy) {
        return text(200, "text/html; charset=utf-8", html)
                .header("content-security-policy", contentSecurityPolicy)
                .header("x-content-type-options", "nosniff")
                .header("referrer-policy", "no-referrer")
                .header("cache-control", "public, max-age=300");
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, null, false, null);
    }

    public static ApiResponse error(int status, String error, String detail) {
        ApiResponse response = json(status, new ErrorBody(error, detail));
        response.error = error;
        return response;
    }

    /** An error body with more fields after {@code error} and {@code detail} (e.g. the seats that were taken). */
    public static ApiResponse error(int status, String error, String detail, Map<String, ?> more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        body.putAll(more);
        ApiResponse response = json(status, body);
        response.error = error;
        return response;
    }

    /** The error body every failure answers with. */
    public record ErrorBody(String error, String detail) {
    }

    public ApiResponse header(String name, String value) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return this;
    }

    /** {@code Retry-After} for a wait of {@code wait}: whole seconds, rounded up, at least 1 (0 would say "now"). */
    public ApiResponse retryAfter(java.time.Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return header("retry-after", Long.toString(Math.max(1, seconds)));
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    /**
     * Names the rule that refused the request (a rate limit's policy, a bot rule), for the request's log
     * line and the {@code Throttled} metric; the client sees it in the body's detail, not from this.
     */
    public ApiResponse refusedBy(String rule) {
        this.refusedBy = rule;
        return this;
    }

    public Optional<String> refusedBy() {
        return Optional.ofNullable(refusedBy);
    }

    /** The rule a 429 is counted under (the {@code Throttled} metric's, the console's): the refusing rule, else the error. */
    public String throttleRule() {
        return refusedBy().or(this::error).orElse("unknown");
    }

    /** The error code of an error answer, so code after the handler (guards) can tell answers apart without parsing. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    public Map<String, String> headers() {
        return headers;
    }

    APIGatewayV2HTTPResponse toApiGateway() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(base64)
                .build();
    }
}
