package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API Gateway HTTP API's Lambda payload format 2.0, both ways: a received HTTP request to an
 * {@link APIGatewayV2HTTPEvent}, and a function's result to the HTTP response.
 *
 * <p>As API Gateway does: header names are lower-cased and repeated headers joined with commas; the
 * Cookie header becomes {@code cookies}; the query is passed raw and decoded, repeated keys joined with
 * commas; bodies that are not text are base64-encoded; the response's {@code cookies} become Set-Cookie
 * headers; a result that is not a response object is sent as a 200 JSON body; a failed function is a 500.
 */
final class PayloadFormatV2 {

    static final String INTERNAL_SERVER_ERROR = "{\"message\":\"Internal Server Error\"}";

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final byte[] NO_BYTES = new byte[0];

    /** requestContext.time changes once a second: format it once a second. */
    private record FormattedSecond(long epochSecond, String text) {}

    private static final Logger log = LoggerFactory.getLogger(PayloadFormatV2.class);

    private final String apiId;
    private final ObjectMapper json = LambdaJson.mapper();
    private volatile FormattedSecond lastSecond = new FormattedSecond(-1, "");

    PayloadFormatV2(String apiId) {
        this.apiId = apiId;
    }

    APIGatewayV2HTTPEvent event(HttpExchange exchange, HttpRoute route, Map<String, String> pathParameters,
                                byte[] body, String requestId) {
        long now = System.currentTimeMillis();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();

        Map<String, String> headers = new HashMap<>();
        List<String> cookies = null;
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                cookies = cookies == null ? new ArrayList<>() : cookies;
                for (String line : header.getValue()) {
                    for (String cookie : line.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            } else {
                List<String> values = header.getValue();
                headers.put(name, values.size() == 1 ? values.getFirst() : String.join(",", values));
            }
        }
        String forwardedFor = headers.get("x-forwarded-for");
        headers.put("x-forwarded-for", forwardedFor == null ? sourceIp : forwardedFor + ", " + sourceIp);
        headers.put("x-forwarded-port", String.valueOf(exchange.getLocalAddress().getPort()));
        headers.put("x-forwarded-proto", "http");

        String rawQuery = exchange.getRequestURI().getRawQuery();
        String rawPath = exchange.getRequestURI().getRawPath();
        String host = headers.getOrDefault("host", "localhost");
        String domainName = stripPort(host);

        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(exchange.getRequestMethod());
        http.setPath(rawPath);
        http.setProtocol(exchange.getProtocol());
        http.setSourceIp(sourceIp);
        http.setUserAgent(headers.getOrDefault("user-agent", ""));

        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAccountId(StackParameters.ACCOUNT_ID);
        context.setApiId(apiId);
        context.setDomainName(domainName);
        context.setDomainPrefix(domainPrefix(domainName));
        context.setHttp(http);
        context.setRequestId(requestId);
        context.setRouteKey(route.routeKey());
        context.setStage("$default");
        context.setTime(formatTime(now));
        context.setTimeEpoch(now);

        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(route.routeKey());
        event.setRawPath(rawPath);
        event.setRawQueryString(rawQuery == null ? "" : rawQuery);
        event.setCookies(cookies);
        event.setHeaders(headers);
        event.setQueryStringParameters(queryParameters(rawQuery));
        event.setPathParameters(pathParameters == null || pathParameters.isEmpty() ? null : pathParameters);
        event.setRequestContext(context);
        if (body.length > 0) {
            String text = isText(headers.get("content-type")) ? utf8OrNull(body) : null;
            event.setBody(text != null ? text : Base64.getEncoder().encodeToString(body));
            event.setIsBase64Encoded(text == null);
        }
        return event;
    }

    /** Writes a function's result as API Gateway would; a null or malformed result is a 500. */
    void writeResponse(HttpExchange exchange, Object result, String requestId) throws IOException {
        APIGatewayV2HTTPResponse response = toResponse(result);
        if (response == null) {
            log.error("request {}: the function's result is not a valid response: {}", requestId, result);
            writeJson(exchange, 500, INTERNAL_SERVER_ERROR, requestId);
            return;
        }
        Headers out = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach(out::set);
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(value -> out.add(name, value)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> out.add("Set-Cookie", cookie));
        }
        out.set("apigw-requestid", requestId);
        String body = response.getBody();
        byte[] bytes = body == null ? NO_BYTES
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        send(exchange, response.getStatusCode(), bytes);
    }

    static void writeJson(HttpExchange exchange, int status, String body, String requestId) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A response object is used as it is; anything else is what Lambda would have serialized: JSON with a
     * statusCode is a response, other JSON is the body of a 200.
     *
     * @return null when the result cannot be a response (API Gateway answers 500)
     */
    private APIGatewayV2HTTPResponse toResponse(Object result) {
        if (result instanceof APIGatewayV2HTTPResponse response) {
            return isValidStatus(response.getStatusCode()) ? response : null;
        }
        if (result == null) {
            return null;
        }
        JsonNode tree = result instanceof JsonNode node ? node : json.valueToTree(result);
        if (tree.isObject() && tree.has("statusCode")) {
            try {
                APIGatewayV2HTTPResponse response = json.treeToValue(tree, APIGatewayV2HTTPResponse.class);
                return isValidStatus(response.getStatusCode()) ? response : null;
            } catch (JsonProcessingException malformed) {
                return null;
            }
        }
        APIGatewayV2HTTPResponse inferred = new APIGatewayV2HTTPResponse();
        inferred.setStatusCode(200);
        inferred.setHeaders(Map.of("Content-Type", "application/json"));
        inferred.setBody(tree.toString());
        return inferred;
    }

    private static boolean isValidStatus(int status) {
        return status >= 100 && status <= 599;
    }

    static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        boolean bodyless = bytes.length == 0 || status == 204 || status == 304 || status < 200;
        exchange.sendResponseHeaders(status, bodyless ? -1 : bytes.length);
        if (!bodyless) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Decoded query parameters, repeated keys joined with commas; null when there is no query. */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = PercentDecoding.decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : PercentDecoding.decodeQuery(pair.substring(equals + 1));
            parameters.merge(name, value, (first, second) -> first + "," + second);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("x-www-form-urlencoded") || type.contains("javascript") || type.contains("yaml");
    }

    private static String utf8OrNull(byte[] body) {
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return text.toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    private String formatTime(long epochMillis) {
        long second = epochMillis / 1000;
        FormattedSecond formatted = lastSecond;
        if (formatted.epochSecond() != second) {
            formatted = new FormattedSecond(second, REQUEST_TIME.format(Instant.ofEpochSecond(second)));
            lastSecond = formatted;
        }
        return formatted.text();
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** "id.execute-api.us-east-1.amazonaws.com" has the prefix "id"; an IP address or "localhost" is its own. */
    private static String domainPrefix(String domainName) {
        int dot = domainName.indexOf('.');
        boolean ipAddress = domainName.startsWith("[") || domainName.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        return dot < 0 || ipAddress ? domainName : domainName.substring(0, dot);
    }
}
