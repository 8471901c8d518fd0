package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The docs routes through the local gateway ({@code /openapi.json}, {@code /docs}, {@code /docs/{file}}), and the
 * description's examples sent to the real API: what it documents is what the API accepts and answers.
 */
@ExtendWith(EmbeddedStack.class)
class ApiDocsIT {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/5.34.1/";

    private final Gateway api;
    private final ApiDescription description = ApiDescription.load();

    ApiDocsIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    @Test
    void servesTheDescriptionWithAnEtagAndRevalidates() {
        Gateway.Reply reply = api.get("/openapi.json");
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.header("content-type").orElseThrow());
        assertEquals(description.root, reply.json());
        String etag = reply.header("etag").orElseThrow();
        Gateway.Reply again = api.get("/openapi.json", "if-none-match", etag);
        assertEquals(304, again.status());
        assertEquals(0, again.bytes().length);
        assertEquals(200, api.get("/openapi.json", "if-none-match", "\"another\"").status());
    }

    @Test
    void theDocsPageLoadsSwaggerUiFromThisApiOnly() {
        Gateway.Reply page = api.get("/docs");
        assertEquals(200, page.status());
        assertTrue(page.header("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("src=\"docs/swagger-ui-bundle.js\""), page.body());
        assertTrue(page.body().contains("\"openapi.json\""), page.body());
        assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "the page loads something from elsewhere");
        String policy = page.header("content-security-policy").orElseThrow();
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self' 'sha256-"), policy);
    }

    @Test
    void servesTheWebjarsFilesWithTheirContentTypes() throws IOException {
        Gateway.Reply script = api.get("/docs/swagger-ui-bundle.js");
        assertEquals(200, script.status());
        assertEquals("text/javascript; charset=utf-8", script.header("content-type").orElseThrow());
        assertArrayEquals(webjarFile("swagger-ui-bundle.js"), script.bytes());

        Gateway.Reply css = api.get("/docs/swagger-ui.css");
        assertEquals("text/css; charset=utf-8", css.header("content-type").orElseThrow());

        Gateway.Reply icon = api.get("/docs/favicon-32x32.png");
        assertEquals("image/png", icon.header("content-type").orElseThrow());
        assertArrayEquals(webjarFile("favicon-32x32.png"), icon.bytes());
        assertEquals(304, api.get("/docs/favicon-32x32.png", "if-none-match", icon.header("etag").orElseThrow()).status());
    }

    @Test
    void gzipsTextFilesForClientsThatTakeIt() throws IOException {
        Gateway.Reply script = api.get("/docs/swagger-ui-bundle.js", "accept-encoding", "gzip, deflate");
        assertEquals(200, script.status());
        assertEquals("gzip", script.header("content-encoding").orElseThrow());
        byte[] original = webjarFile("swagger-ui-bundle.js");
        assertTrue(script.bytes().length < original.length / 2, "gzip saved little: " + script.bytes().length);
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(script.bytes()))) {
            assertArrayEquals(original, in.readAllBytes());
        }
    }

    @Test
    void servesNoOtherFileAndNoPathOutOfTheDirectory() {
        for (String path : List.of("/docs/swagger-initializer.js", "/docs/index.html", "/docs/swagger-ui-es-bundle.js",
                "/docs/..%2F..%2Fopenapi.json", "/docs/%2e%2e%2fopenapi.json", "/docs/..%2F5.34.1%2Fswagger-ui.css",
                "/docs/%2Fetc%2Fpasswd", "/docs/..", "/docs/SWAGGER-UI.CSS",
                "/docs/" + "a".repeat(2_000), "/docs/", "/docs/a/b", "/docs/swagger-ui.css/")) {
            Gateway.Reply reply = api.get(path);
            assertEquals(404, reply.status(), path + ": " + reply.body());
            assertEquals("not_found", reply.json().path("error").asText(), path);
            assertTrue(reply.body().length() < 300, path + " echoes too much: " + reply.body().length());
        }
        // an encoded NUL in a path is refused by the gateway's HTTP server (Jetty) before any route or file is looked up
        for (String path : List.of("/docs/%00", "/docs/swagger-ui.css%00.png")) {
            Gateway.Reply reply = api.get(path);
            assertEquals(400, reply.status(), path + ": " + reply.body());
            assertEquals("bad_request", reply.json().path("error").asText(), path);
        }
        assertEquals(405, api.send("POST", "/docs/swagger-ui.css", null).status());
        assertEquals(405, api.send("DELETE", "/openapi.json", null).status());
    }

    /** The examples of POST /api/v1/events and POST /api/v1/bookings, sent as documented, are accepted and answered as documented. */
    @Test
    void theDocumentedExamplesAreAcceptedAndTheAnswersFitTheirSchemas() {
        ApiDescription.Operation createEvent = description.operation("post", "/api/v1/events");
        JsonNode newEvent = createEvent.node().at("/requestBody/content/application~1json/example");
        Gateway.Reply created = api.post("/api/v1/events?user_id=docs-admin", newEvent.toString());
        assertEquals(201, created.status(), created.body());
        assertFits(createEvent, 201, created.json());
        long eventId = created.json().get("id").asLong();

        ApiDescription.Operation hold = description.operation("post", "/api/v1/bookings");
        ObjectNode holdRequest = hold.node().at("/requestBody/content/application~1json/example").deepCopy();
        holdRequest.put("event_id", eventId);
        Gateway.Reply held = api.post("/api/v1/bookings?user_id=docs-fan", holdRequest.toString(), "idempotency-key", "docs-" + eventId);
        assertEquals(201, held.status(), held.body());
        assertFits(hold, 201, held.json());
        assertTrue(held.header("ratelimit-policy").isPresent(), "no RateLimit-Policy on a rated route");
        long bookingId = held.json().get("id").asLong();

        Gateway.Reply taken = api.post("/api/v1/bookings?user_id=docs-other", holdRequest.toString());
        assertEquals(409, taken.status());
        assertFits(hold, 409, taken.json());

        assertFits(description.operation("get", "/api/v1/events"), 200, api.get("/api/v1/events?limit=2").json());
        assertFits(description.operation("get", "/api/v1/events/{event_id}"), 200, api.get("/api/v1/events/" + eventId).json());
        ApiDescription.Operation seats = description.operation("get", "/api/v1/events/{event_id}/seats");
        assertFits(seats, 200, api.get("/api/v1/events/" + eventId + "/seats?user_id=docs-fan").json());
        assertFits(seats, 200, api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=docs-fan").json());
        assertFits(seats, 400, api.get("/api/v1/events/" + eventId + "/seats?format=xml&user_id=docs-fan").json());
        assertFits(description.operation("get", "/api/v1/bookings"), 200, api.get("/api/v1/bookings?user_id=docs-fan").json());
        assertFits(description.operation("get", "/api/v1/bookings/{booking_id}"), 200,
                api.get("/api/v1/bookings/" + bookingId + "?user_id=docs-fan").json());
        assertFits(description.operation("get", "/api/v1/bookings/{booking_id}"), 404,
                api.get("/api/v1/bookings/" + bookingId + "?user_id=docs-other").json());
        assertFits(description.operation("post", "/api/v1/bookings/{booking_id}/confirm"), 200,
                api.post("/api/v1/bookings/" + bookingId + "/confirm?user_id=docs-fan", "").json());
        assertFits(description.operation("post", "/api/v1/bookings/{booking_id}/cancel"), 409,
                api.post("/api/v1/bookings/" + bookingId + "/cancel?user_id=docs-fan", "").json());
        assertFits(description.operation("get", "/api/v1/events/{event_id}/waiting-room/stats"), 200,
                api.get("/api/v1/events/" + eventId + "/waiting-room/stats").json());
        assertFits(description.operation("post", "/api/v1/events/{event_id}/waiting-room/join"), 200,
                api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=docs-fan", "").json());
        assertFits(description.operation("get", "/api/v1/events/{event_id}/waiting-room/status"), 401,
                api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=wr1.forged.token").json());
        assertFits(description.operation("get", "/api/v1/cache/stats"), 200, api.get("/api/v1/cache/stats?user_id=docs-admin").json());
    }

    @Test
    void aBodyTheSchemaRefusesIsRefusedByTheApiToo() {
        ApiDescription.Operation createEvent = description.operation("post", "/api/v1/events");
        ObjectNode withUnknownField = createEvent.node().at("/requestBody/content/application~1json/example").deepCopy();
        withUnknownField.put("colour", "red");
        JsonNode schema = createEvent.node().at("/requestBody/content/application~1json/schema");
        assertFalse(description.problems(schema, withUnknownField).isEmpty());
        Gateway.Reply refused = api.post("/api/v1/events?user_id=docs-admin", withUnknownField.toString());
        assertEquals(422, refused.status(), refused.body());
        assertFits(createEvent, 422, refused.json());
    }

    /** The shade plugin keeps the webjar's other bundles (~2.8 MB) out of the Lambda jar; every file served is in it. */
    @Test
    void theLambdaJarShipsExactlyTheFilesTheDocsServe() throws IOException {
        java.util.Set<String> shipped = new java.util.TreeSet<>();
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile("target/functions.jar")) {
            jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(name -> name.startsWith("META-INF/resources/webjars/") && !name.endsWith("/"))
                    .forEach(name -> shipped.add(name.substring(name.lastIndexOf('/') + 1)));
        }
        assertEquals(new java.util.TreeSet<>(DocsAssetHandler.FILES.keySet()), shipped);
    }

    private void assertFits(ApiDescription.Operation operation, int status, JsonNode answer) {
        List<String> problems = description.problems(description.responseSchema(operation, status), answer);
        assertEquals(List.of(), problems, operation.routeKey() + " " + status + " answered outside its schema: " + answer);
    }

    private static byte[] webjarFile(String name) throws IOException {
        try (InputStream in = ApiDocsIT.class.getClassLoader().getResourceAsStream(WEBJAR + name)) {
            return in.readAllBytes();
        }
    }

}
