package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onsale.localstack.handlers.CraftedResponseHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpApiGatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = TestStack.get();
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + pathAndQuery));
    }

    /** The event the echo function received. */
    private static JsonNode echoedEvent(HttpResponse<byte[]> response) throws IOException {
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    @Test
    void aRequestBecomesAPayloadV2EventShapedLikeAwsSample() throws Exception {
        String rawQuery = "parameter1=value1&parameter1=value2&parameter2=value&user_id=42&q=a+b%26c";
        long before = System.currentTimeMillis();
        HttpResponse<byte[]> response = send(request("/items/abc%20d?" + rawQuery)
                .header("Cookie", "cookie1=one; cookie2=two")
                .header("Header1", "value1")
                .header("X-Repeated", "first")
                .header("X-Repeated", "second")
                .header("User-Agent", "agent/1.0"));
        long after = System.currentTimeMillis();
        JsonNode event = echoedEvent(response);

        assertEquals("2.0", event.path("version").asText());
        assertEquals("GET /items/{item_id}", event.path("routeKey").asText());
        assertEquals("/items/abc%20d", event.path("rawPath").asText());
        assertEquals(rawQuery, event.path("rawQueryString").asText());
        assertEquals(List.of("cookie1=one", "cookie2=two"), JSON.convertValue(event.path("cookies"), List.class));
        JsonNode headers = event.path("headers");
        assertEquals("value1", headers.path("header1").asText());
        assertEquals("first,second", headers.path("x-repeated").asText());
        assertEquals("agent/1.0", headers.path("user-agent").asText());
        assertEquals("127.0.0.1", headers.path("x-forwarded-for").asText());
        assertTrue(headers.path("cookie").isMissingNode(), "the Cookie header becomes cookies");
        headers.fieldNames().forEachRemaining(name -> assertEquals(name.toLowerCase(), name));
        assertEquals(Map.of("parameter1", "value1,value2", "parameter2", "value", "user_id", "42", "q", "a b&c"),
                JSON.convertValue(event.path("queryStringParameters"), Map.class));
        assertEquals(Map.of("item_id", "abc d"), JSON.convertValue(event.path("pathParameters"), Map.class));
        assertFalse(event.path("isBase64Encoded").asBoolean());
        assertTrue(event.path("body").isMissingNode(), "a request without a body has no body");

        JsonNode context = event.path("requestContext");
        assertEquals("000000000000", context.path("accountId").asText());
        assertEquals("local-Api", context.path("apiId").asText());
        assertEquals("127.0.0.1", context.path("domainName").asText());
        assertEquals("GET /items/{item_id}", context.path("routeKey").asText());
        assertEquals("$default", context.path("stage").asText());
        assertEquals(response.headers().firstValue("apigw-requestid").orElseThrow(), context.path("requestId").asText());
        JsonNode http = context.path("http");
        assertEquals("GET", http.path("method").asText());
        assertEquals("/items/abc%20d", http.path("path").asText());
        assertEquals("HTTP/1.1", http.path("protocol").asText());
        assertEquals("127.0.0.1", http.path("sourceIp").asText());
        assertEquals("agent/1.0", http.path("userAgent").asText());
        long timeEpoch = context.path("timeEpoch").asLong();
        assertTrue(timeEpoch >= before && timeEpoch <= after, "timeEpoch " + timeEpoch);
        assertTrue(context.path("time").asText().matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000"),
                context.path("time").asText());
        assertEquals(Map.of("sub", "42", "cognito:groups", "[admin]"),
                JSON.convertValue(context.path("authorizer").path("jwt").path("claims"), Map.class));
    }

    @Test
    void theEventHasTheFieldsOfAwsSampleAndNoOthers() throws Exception {
        JsonNode sample;
        try (InputStream in = HttpApiGatewayIT.class.getResourceAsStream("/http-api-v2-sample-event.json")) {
            sample = JSON.readTree(in);
        }
        JsonNode event = echoedEvent(send(request("/items/7?a=1")
                .header("Cookie", "c=1")
                .method("GET", HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")));

        Set<String> expected = fieldPaths(sample);
        Set<String> actual = fieldPaths(event);
        Set<String> unexpected = new TreeSet<>(actual);
        unexpected.removeAll(expected);
        assertEquals(Set.of(), unexpected, "fields AWS's sample event does not have");
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        // mutual TLS and stage variables do not exist locally; scopes only when the route asks for some
        missing.removeIf(path -> path.startsWith("requestContext.authentication") || path.startsWith("stageVariables")
                || path.equals("requestContext.authorizer.jwt.scopes"));
        assertEquals(Set.of(), missing, "fields of AWS's sample event the local one lacks");
    }

    @Test
    void aJsonBodyStaysTextAndARouteAsksForItsScopes() throws Exception {
        JsonNode event = echoedEvent(send(request("/items")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"caf\u00e9\"}"))));
        assertEquals("POST /items", event.path("routeKey").asText());
        assertEquals("{\"name\":\"caf\u00e9\"}", event.path("body").asText());
        assertFalse(event.path("isBase64Encoded").asBoolean());
        assertEquals("items/write", event.path("requestContext").path("authorizer").path("jwt").path("scopes").path(0).asText());
        assertTrue(event.path("pathParameters").isMissingNode());
        assertTrue(event.path("queryStringParameters").isMissingNode());
        assertEquals("", event.path("rawQueryString").asText());
    }

    @Test
    void aBinaryBodyIsBase64Encoded() throws Exception {
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        JsonNode binary = echoedEvent(send(request("/items")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))));
        assertTrue(binary.path("isBase64Encoded").asBoolean());
        assertArrayEquals(bytes, Base64.getDecoder().decode(binary.path("body").asText()));

        JsonNode notUtf8 = echoedEvent(send(request("/items")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xc3, 0x28}))));
        assertTrue(notUtf8.path("isBase64Encoded").asBoolean(), "text that is not UTF-8 travels as base64");
    }

    @Test
    void anOpenRouteHasNoAuthorizerAndAGuardedOneWithoutUserIdOnlyTheAdminClaim() throws Exception {
        JsonNode open = echoedEvent(send(request("/open?user_id=5")));
        assertTrue(open.path("requestContext").path("authorizer").isMissingNode());

        JsonNode guarded = echoedEvent(send(request("/items/1")));
        assertEquals(Map.of("cognito:groups", "[admin]"),
                JSON.convertValue(guarded.path("requestContext").path("authorizer").path("jwt").path("claims"), Map.class));
    }

    @Test
    void aGreedyRouteTakesTheRestOfThePathForAnyMethod() throws Exception {
        JsonNode event = echoedEvent(send(request("/files/docs/a.txt").DELETE()));
        assertEquals("ANY /files/{proxy+}", event.path("routeKey").asText());
        assertEquals("docs/a.txt", event.path("pathParameters").path("proxy").asText());
        assertEquals("DELETE", event.path("requestContext").path("http").path("method").asText());
    }

    @Test
    void anUnknownPathIsNotFound() throws Exception {
        HttpResponse<byte[]> response = send(request("/nothing/here"));
        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("not_found", body.path("error").asText());
        assertTrue(body.path("detail").asText().contains("/nothing/here"));
    }

    @Test
    void aKnownPathWithAnotherMethodIsNotAllowed() throws Exception {
        HttpResponse<byte[]> response = send(request("/items").DELETE());
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("method_not_allowed", JSON.readTree(response.body()).path("error").asText());
    }

    @Test
    void aResponseMapsStatusHeadersMultiValueHeadersAndCookies() throws Exception {
        HttpResponse<byte[]> response = send(request("/responses/full"));
        assertEquals(201, response.statusCode());
        assertEquals("one", response.headers().firstValue("X-Single").orElseThrow());
        assertEquals(List.of("a", "b"), response.headers().allValues("X-Multi"));
        assertEquals(List.of("session=abc; Path=/; HttpOnly", "theme=dark"), response.headers().allValues("Set-Cookie"));
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());
        assertEquals("created", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aBase64ResponseBodyIsSentDecoded() throws Exception {
        HttpResponse<byte[]> response = send(request("/responses/binary"));
        assertEquals(200, response.statusCode());
        assertArrayEquals(CraftedResponseHandler.BINARY, response.body());
    }

    @Test
    void anEmptyResponseHasNoBody() throws Exception {
        HttpResponse<byte[]> response = send(request("/responses/empty"));
        assertEquals(204, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void aResultThatIsNotAResponseIsA200JsonBody() throws Exception {
        HttpResponse<byte[]> response = send(request("/responses/map"));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(42, JSON.readTree(response.body()).path("answer").asInt());
    }

    @Test
    void aFunctionThatThrowsOrReturnsNullIsAnInternalServerError() throws Exception {
        for (String kind : new String[] {"throw", "null"}) {
            HttpResponse<byte[]> response = send(request("/responses/" + kind));
            assertEquals(500, response.statusCode(), kind);
            assertEquals("{\"message\":\"Internal Server Error\"}", new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aStreamHandlerReadsTheEventAsAwsJson() throws Exception {
        HttpResponse<byte[]> response = send(request("/stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1,2]")));
        assertEquals(200, response.statusCode());
        JsonNode event = JSON.readTree(response.body());
        assertEquals("/stream", event.path("rawPath").asText());
        assertEquals("[1,2]", event.path("body").asText());
        assertTrue(event.has("isBase64Encoded"));
    }

    @Test
    void invokeConvertsAMapIntoTheHandlersEventType() throws Exception {
        Object result = stack.invoke("EchoFunction", Map.of("rawPath", "/direct", "version", "2.0"));
        JsonNode event = JSON.readTree(((com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse) result).getBody());
        assertEquals("/direct", event.path("rawPath").asText());
    }

    /** Every field path of a JSON document, not descending into maps whose keys are data (headers, claims, ...). */
    private static Set<String> fieldPaths(JsonNode document) {
        Set<String> paths = new TreeSet<>();
        collect(document, "", paths);
        return paths;
    }

    private static final Set<String> DATA_MAPS = Set.of("headers", "queryStringParameters", "pathParameters",
            "stageVariables", "requestContext.authorizer.jwt.claims");

    private static void collect(JsonNode node, String prefix, Set<String> paths) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            paths.add(path);
            if (field.getValue().isObject() && !DATA_MAPS.contains(path)) {
                collect(field.getValue(), path, paths);
            }
        }
    }
}
