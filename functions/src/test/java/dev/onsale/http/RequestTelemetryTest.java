package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Log;
import dev.onsale.platform.Metrics;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTelemetryTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final String BEARER = "Bearer eyJhbGciOiJSUzI1NiJ9.secret-payload.signature";
    private static final String ACCESS_TOKEN = "wr1.access-payload.access-signature";
    private static final String QUEUE_TOKEN = "wr1.queue-payload.queue-signature";
    private static final String IDEMPOTENCY_KEY = "my-very-own-idempotency-key-123";
    private static final String BODY_SECRET = "card-4111111111111111";

    private final List<String> lines = new ArrayList<>();
    private final RequestTelemetry telemetry = new RequestTelemetry(lines::add,
            Config.Telemetry.from(Map.<String, String>of()::get), () -> NOW);

    /** A request carrying every secret a client may send: in headers, in the query, in the body. */
    private static ApiRequest secretive(String user) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /api/v1/bookings")
                .withRawPath("/api/v1/bookings")
                .withRawQueryString("token=" + QUEUE_TOKEN)
                .withQueryStringParameters(Map.of("token", QUEUE_TOKEN))
                .withHeaders(Map.of("authorization", BEARER, "x-waiting-room-token", ACCESS_TOKEN,
                        "idempotency-key", IDEMPOTENCY_KEY, "content-type", "application/json",
                        "cookie", "session=" + BODY_SECRET))
                .withBody("{\"event_id\": 1, \"seat_ids\": [1], \"note\": \"" + BODY_SECRET + "\"}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("apigw-request-1")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST").withPath("/api/v1/bookings").withSourceIp("203.0.113.9").build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", user, "cognito:groups", "[admin]")).build()).build())
                        .build())
                .build();
        return new ApiRequest(event, Caller.AdminRule.group("admin"));
    }

    private static Context lambdaContext(String awsRequestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? awsRequestId : null);
    }

    private JsonNode onlyLogLine() throws Exception {
        List<JsonNode> logLines = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (!node.has("_aws")) {
                logLines.add(node);
            }
        }
        assertEquals(1, logLines.size(), lines.toString());
        return logLines.getFirst();
    }

    private JsonNode onlyMetricsDocument() throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (node.has("_aws")) {
                documents.add(node);
            }
        }
        assertEquals(1, documents.size(), lines.toString());
        return documents.getFirst();
    }

    @Test
    void oneLineTellsRouteStatusLatencyCallerAndRequestIds() throws Exception {
        RequestTelemetry.Recording recording = telemetry.begin(secretive("42"), lambdaContext("lambda-request-1"));
        recording.end(ApiResponse.json(201, Map.of("id", 1)));

        JsonNode line = onlyLogLine();
        assertEquals("2027-01-15T08:00:00.000Z", line.get("timestamp").asText());
        assertEquals("INFO", line.get("level").asText());
        assertEquals("POST /api/v1/bookings 201", line.get("message").asText());
        assertEquals("lambda-request-1", line.get("AWSRequestId").asText());
        assertEquals("apigw-request-1", line.get("request_id").asText());
        assertEquals("POST /api/v1/bookings", line.get("route").asText());
        assertEquals("POST", line.get("method").asText());
        assertEquals("/api/v1/bookings", line.get("path").asText());
        assertEquals(201, line.get("status").asInt());
        assertTrue(line.get("latency_ms").isNumber() && line.get("latency_ms").asDouble() >= 0);
        assertEquals("42", line.get("user_id").asText());
        assertTrue(line.get("admin").asBoolean());
        assertEquals("203.0.113.9", line.get("source_ip").asText());
        assertTrue(line.get("cold_start").asBoolean());
        assertFalse(line.has("error"));
        assertEquals(12, line.get("idempotency_key_hash").asText().length());
    }

    @Test
    void noTokenKeyAuthorizationCookieQueryOrBodyIsEverWritten() {
        RequestTelemetry.Recording recording = telemetry.begin(secretive("42"), null);
        recording.failed(new IllegalStateException("boom"), ApiResponse.error(500, "internal_error", "x"));

        assertFalse(lines.isEmpty());
        for (String line : lines) {
            for (String secret : List.of(BEARER, "eyJhbGciOiJSUzI1NiJ9", ACCESS_TOKEN, QUEUE_TOKEN, IDEMPOTENCY_KEY,
                    BODY_SECRET, "token=", "access-payload", "queue-payload")) {
                assertFalse(line.contains(secret), secret + " leaked into " + line);
            }
        }
    }

    @Test
    void oddCharactersInTheCallerAndPathAreEscaped() throws Exception {
        // control characters and lone surrogates never make a caller (Caller.usableUserId); these all do
        String user = "o\"dd\\user\u2028😀";
        RequestTelemetry.Recording recording = telemetry.begin(secretive(user), null);
        recording.end(ApiResponse.error(404, "not_found", "no"));

        String raw = lines.stream().filter(l -> !l.contains("\"_aws\"")).findFirst().orElseThrow();
        assertFalse(raw.chars().anyMatch(c -> c < 0x20 || c == 0x2028), raw);
        JsonNode line = onlyLogLine();
        assertEquals(user, line.get("user_id").asText());
        assertEquals("not_found", line.get("error").asText());
        assertFalse(line.has("AWSRequestId"), "no Lambda context, no Lambda request id");
    }

    @Test
    void anUnhandledFailureIsOneErrorLineWithItsStackTrace() throws Exception {
        RequestTelemetry.Recording recording = telemetry.begin(secretive("42"), null);
        recording.failed(new IllegalStateException("boom \"quoted\"", new RuntimeException("root cause")),
                ApiResponse.error(500, "internal_error", "x"));

        JsonNode line = onlyLogLine();
        assertEquals("ERROR", line.get("level").asText());
        assertEquals(500, line.get("status").asInt());
        assertEquals("internal_error", line.get("error").asText());
        assertEquals(IllegalStateException.class.getName(), line.get("errorType").asText());
        assertEquals("boom \"quoted\"", line.get("errorMessage").asText());
        JsonNode stack = line.get("stackTrace");
        assertTrue(stack.isArray() && stack.size() > 2, line.toString());
        assertTrue(stack.get(0).asText().startsWith("at dev.onsale.http.RequestTelemetryTest"), stack.toString());
        assertTrue(stack.toString().contains("Caused by: java.lang.RuntimeException: root cause"), stack.toString());
    }

    @Test
    void aRefusalIsCountedByTheRuleThatRefused() throws Exception {
        RequestTelemetry.Recording recording = telemetry.begin(secretive("42"), null);
        recording.end(ApiResponse.error(429, "rate_limit_exceeded", "slow down").refusedBy("booking-ip"));

        JsonNode line = onlyLogLine();
        assertEquals("booking-ip", line.get("rule").asText());
        JsonNode metrics = onlyMetricsDocument();
        assertEquals(1, metrics.get("Throttled").asInt());
        assertEquals("booking-ip", metrics.get("Rule").asText());
        assertEquals(1, metrics.get("Requests").asInt());
        assertEquals("4xx", metrics.get("StatusClass").asText());
        assertEquals("POST /api/v1/bookings", metrics.get("Route").asText());
        assertTrue(metrics.get("Latency").isNumber());
    }

    @Test
    void whatTheHandlerCountsJoinsTheRequestsDocument() throws Exception {
        RequestTelemetry.Recording recording = telemetry.begin(secretive("42"), null);
        Metrics.count("HoldsCreated");
        recording.end(ApiResponse.json(201, Map.of()));

        JsonNode metrics = onlyMetricsDocument();
        assertEquals(1, metrics.get("HoldsCreated").asInt());
        assertEquals(1, metrics.get("Requests").asInt());
        assertEquals("2xx", metrics.get("StatusClass").asText());
    }

    @Test
    void onlyTheFirstRequestOfAnInstanceIsAColdStart() throws Exception {
        telemetry.begin(secretive("42"), null).end(ApiResponse.empty(204));
        telemetry.begin(secretive("42"), null).end(ApiResponse.empty(204));

        List<Boolean> cold = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (node.has("cold_start")) {
                cold.add(node.get("cold_start").asBoolean());
            }
        }
        assertEquals(List.of(true, false), cold);
    }

    @Test
    void belowTheLogLevelOnlyTheMetricsAreWritten() throws Exception {
        RequestTelemetry quiet = new RequestTelemetry(lines::add, Config.Telemetry.from(Map.of("LOG_LEVEL", "WARN")::get), () -> NOW);
        quiet.begin(secretive("42"), null).end(ApiResponse.empty(204));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(Json.MAPPER.readTree(lines.getFirst()).has("_aws"));

        quiet.begin(secretive("42"), null).end(ApiResponse.error(503, "service_busy", "busy"));
        assertEquals("WARN", onlyLogLine().get("level").asText());
    }

    /** Through the edge: a route that throws answers a plain 500 and writes its stack trace once, to the log only. */
    @Test
    void theEdgeLogsAnUnhandledFailureOnceAndAnswersWithoutIt() throws Exception {
        ApiHandler failing = new ApiHandler(Caller.AdminRule.group("admin")) {
            @Override
            protected ApiResponse handle(ApiRequest request) {
                throw new IllegalStateException("database on fire");
            }
        };
        APIGatewayV2HTTPEvent event = dev.onsale.testing.ApiEvents.request("GET", "/api/v1/events/{event_id}",
                "/api/v1/events/5", Map.of("event_id", "5"), Map.of(), "7", "198.51.100.1", null);
        String requestId = event.getRequestContext().getRequestId();

        List<String> captured = new java.util.concurrent.CopyOnWriteArrayList<>();
        APIGatewayV2HTTPResponse response;
        try (AutoCloseable tap = Log.tap(captured::add)) {
            response = failing.handleRequest(event, lambdaContext("lambda-request-9"));
        }

        assertEquals(500, response.getStatusCode());
        assertFalse(response.getBody().contains("database on fire") || response.getBody().contains("at dev."), response.getBody());
        List<String> mine = captured.stream().filter(l -> l.contains(requestId) && !l.contains("\"_aws\"")).toList();
        assertEquals(1, mine.size(), captured.toString());
        JsonNode line = Json.MAPPER.readTree(mine.getFirst());
        JsonNode metrics = Json.MAPPER.readTree(captured.stream()
                .filter(l -> l.contains(requestId) && l.contains("\"_aws\"")).findFirst().orElseThrow());
        assertEquals("5xx", metrics.get("StatusClass").asText());
        assertEquals("database on fire", line.get("errorMessage").asText());
        assertEquals("lambda-request-9", line.get("AWSRequestId").asText());
        assertEquals(1, captured.stream().filter(l -> l.contains("database on fire")).count());
    }
}
