package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description (functions/src/main/resources/dev/onsale/ops/openapi.json) against template.yaml
 * and the code: the same routes both ways, the same public routes, every error code the handlers answer,
 * and a well-formed OpenAPI 3.1 document whose examples fit their schemas.
 */
class OpenApiDescriptionTest {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> TOP_LEVEL = Set.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
            "components", "security", "tags", "externalDocs");
    private static final Set<String> OPERATION_FIELDS = Set.of("tags", "summary", "description", "externalDocs", "operationId",
            "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers");

    private final ApiDescription api = ApiDescription.load();

    @Test
    void isAnOpenApi31Document() {
        assertEquals("3.1.0", api.root.path("openapi").asText());
        assertFalse(api.root.path("info").path("title").asText().isBlank());
        assertFalse(api.root.path("info").path("version").asText().isBlank());
        api.root.fieldNames().forEachRemaining(field ->
                assertTrue(TOP_LEVEL.contains(field) || field.startsWith("x-"), "unknown top-level field " + field));
        JsonNode bearer = api.root.at("/components/securitySchemes/jwt");
        assertEquals("http", bearer.path("type").asText());
        assertEquals("bearer", bearer.path("scheme").asText());
        assertEquals("JWT", bearer.path("bearerFormat").asText());
    }

    @Test
    void everyOperationIsWellFormed() {
        Set<String> operationIds = new HashSet<>();
        for (ApiDescription.Operation operation : api.operations()) {
            String where = operation.routeKey();
            operation.node().fieldNames().forEachRemaining(field ->
                    assertTrue(OPERATION_FIELDS.contains(field) || field.startsWith("x-"), where + ": unknown field " + field));
            assertTrue(operationIds.add(operation.node().path("operationId").asText()), where + ": operationId missing or repeated");
            assertFalse(operation.node().path("summary").asText().isBlank(), where + ": no summary");
            JsonNode responses = operation.node().path("responses");
            assertTrue(responses.isObject() && !responses.isEmpty(), where + ": no responses");
            responses.properties().forEach(response -> {
                assertTrue(response.getKey().matches("[1-5]\\d\\d"), where + ": response " + response.getKey());
                assertTrue(api.resolve(response.getValue()).hasNonNull("description"), where + " " + response.getKey() + ": no description");
            });
            List<JsonNode> parameters = parameters(operation);
            Set<String> declaredPathParameters = new TreeSet<>();
            for (JsonNode parameter : parameters) {
                String in = parameter.path("in").asText();
                assertTrue(Set.of("query", "header", "path", "cookie").contains(in), where + ": parameter in " + in);
                assertFalse(parameter.path("name").asText().isBlank(), where + ": a parameter without a name");
                assertTrue(parameter.has("schema"), where + ": parameter " + parameter.path("name").asText() + " has no schema");
                if (in.equals("path")) {
                    assertTrue(parameter.path("required").asBoolean(), where + ": path parameters are required");
                    declaredPathParameters.add(parameter.path("name").asText());
                }
            }
            Set<String> inPath = new TreeSet<>();
            Matcher matcher = PATH_PARAMETER.matcher(operation.path());
            while (matcher.find()) {
                inPath.add(matcher.group(1));
            }
            assertEquals(inPath, declaredPathParameters, where + ": path parameters");
        }
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        walk(api.root, node -> {
            if (node.has("$ref") && node.get("$ref").isTextual()) {
                String ref = node.get("$ref").asText();
                if (!ref.startsWith("#/") || api.root.at(ref.substring(1)).isMissingNode()) {
                    broken.add(ref);
                }
            }
        });
        assertEquals(List.of(), broken);
    }

    @Test
    void documentsExactlyTheTemplatesRoutes() {
        Set<String> documented = new TreeSet<>(api.operations().stream().map(ApiDescription.Operation::routeKey).toList());
        Set<String> inTemplate = ApiDescription.templateRoutesByKey().keySet();
        assertEquals(inTemplate, documented, "the description and template.yaml list different routes");
    }

    @Test
    void publicRoutesAreTheOnesWithoutTheAuthorizer() {
        Map<String, ApiDescription.Route> routes = ApiDescription.templateRoutesByKey();
        JsonNode global = api.root.path("security");
        for (ApiDescription.Operation operation : api.operations()) {
            JsonNode security = operation.node().has("security") ? operation.node().get("security") : global;
            ApiDescription.Route route = routes.get(operation.routeKey());
            if (route == null) {
                continue; // documentsExactlyTheTemplatesRoutes says which
            }
            assertEquals(route.authorized(), !security.isEmpty(),
                    operation.routeKey() + ": the description's security disagrees with the template's authorizer");
            security.forEach(requirement -> requirement.fieldNames().forEachRemaining(scheme ->
                    assertTrue(api.root.at("/components/securitySchemes/" + scheme).isObject(), "unknown scheme " + scheme)));
        }
    }

    @Test
    void everyOperationDocumentsItsClientErrorsWithTheErrorSchema() {
        for (ApiDescription.Operation operation : api.operations()) {
            int clientErrors = 0;
            for (Map.Entry<String, JsonNode> response : iterable(operation.node().path("responses"))) {
                int status = Integer.parseInt(response.getKey());
                if (status < 400) {
                    continue;
                }
                clientErrors += status < 500 ? 1 : 0;
                JsonNode schema = api.resolve(response.getValue()).path("content").path("application/json").path("schema");
                assertTrue(isErrorSchema(schema), operation.routeKey() + " " + status + " does not use the Error schema");
            }
            assertTrue(clientErrors > 0, operation.routeKey() + " documents no 4xx answer");
        }
    }

    @Test
    void ratedRoutesDocumentTheirLimitsAndHeaders() {
        // method, path, then the policies its RateLimit headers name
        for (String[] route : new String[][] {{"get", "/api/v1/events/{event_id}/seats", "seatmap", "seatmap-ip"},
                {"post", "/api/v1/bookings", "booking", "booking-ip"},
                {"post", "/api/v1/bookings/{booking_id}/confirm", "booking_change"}, {"post", "/api/v1/bookings/{booking_id}/cancel", "booking_change"},
                {"post", "/api/v1/events/{event_id}/waiting-room/join", "waiting_room_join", "waiting_room_join-ip"},
                {"get", "/api/v1/events/{event_id}/waiting-room/status", "waiting_room_status", "waiting_room_status-ip"}}) {
            ApiDescription.Operation operation = api.operation(route[0], route[1]);
            String description = operation.node().path("description").asText();
            assertTrue(description.contains("Rate limits"), operation.routeKey() + ": limits not described");
            for (String policy : java.util.Arrays.copyOfRange(route, 2, route.length)) {
                assertTrue(description.contains("`" + policy + "`"), operation.routeKey() + ": policy " + policy + " not described");
            }
            JsonNode tooMany = api.resolve(operation.node().path("responses").path("429"));
            assertTrue(tooMany.path("headers").has("Retry-After"), operation.routeKey() + ": 429 without Retry-After");
            assertTrue(tooMany.path("headers").has("RateLimit-Policy"), operation.routeKey() + ": 429 without RateLimit-Policy");
            JsonNode success = api.resolve(operation.node().path("responses").path(route[0].equals("post") && route[1].equals("/api/v1/bookings") ? "201" : "200"));
            assertTrue(success.path("headers").has("RateLimit"), operation.routeKey() + ": success without RateLimit");
        }
        for (String[] route : new String[][] {{"get", "/api/v1/events/{event_id}/seats"}, {"post", "/api/v1/bookings"}}) {
            ApiDescription.Operation operation = api.operation(route[0], route[1]);
            assertTrue(operation.node().path("description").asText().contains("Waiting room"), operation.routeKey());
            assertTrue(api.resolve(operation.node().path("responses").path("403")).toString().contains("waiting_room_required"));
        }
    }

    /** Every code a handler or guard answers with appears in the description, so a new error can't go undocumented. */
    @Test
    void documentsEveryErrorCodeTheCodeAnswers() throws IOException {
        Pattern answered = Pattern.compile("(?:error|ApiException)\\(\\s*\\d{3},\\s*\"([a-z_]+)\"|\"(waiting_room_required)\"");
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(EmbeddedStack.projectFile("functions/src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = answered.matcher(Files.readString(source));
                while (matcher.find()) {
                    codes.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
                }
            }
        }
        assertTrue(codes.size() > 20, "the scan found too few codes to be working: " + codes);
        codes.add("bad_request"); // ApiException.badRequest
        codes.add("validation_failed"); // ApiException.unprocessable
        Set<String> documented = new TreeSet<>();
        walk(api.root, node -> {
            if (node.has("enum") && node.path("enum").isArray()) {
                node.get("enum").forEach(value -> documented.add(value.asText()));
            }
        });
        Set<String> missing = new TreeSet<>(codes);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "error codes the code answers but the description does not list");
    }

    @Test
    void everyExampleFitsItsSchema() {
        int checked = 0;
        for (ApiDescription.Operation operation : api.operations()) {
            JsonNode body = operation.node().path("requestBody").path("content");
            for (Map.Entry<String, JsonNode> media : iterable(body)) {
                checked += check(operation.routeKey() + " request", media.getValue());
            }
            for (Map.Entry<String, JsonNode> response : iterable(operation.node().path("responses"))) {
                for (Map.Entry<String, JsonNode> media : iterable(api.resolve(response.getValue()).path("content"))) {
                    checked += check(operation.routeKey() + " " + response.getKey(), media.getValue());
                }
            }
        }
        assertTrue(checked >= 15, "only " + checked + " examples were checked");
    }

    @Test
    void theSchemaCheckRefusesWhatDoesNotFit() {
        JsonNode hold = api.root.at("/components/schemas/HoldRequest");
        assertEquals(List.of(), api.problems(hold, json("{\"event_id\": 1, \"seat_ids\": [1, 2]}")));
        assertFalse(api.problems(hold, json("{\"event_id\": 1, \"seat_ids\": [1, 1]}")).isEmpty(), "repeated seats");
        assertFalse(api.problems(hold, json("{\"event_id\": 1}")).isEmpty(), "no seats");
        assertFalse(api.problems(hold, json("{\"event_id\": 1, \"seat_ids\": [1], \"extra\": true}")).isEmpty(), "unknown field");
    }

    private int check(String where, JsonNode media) {
        if (!media.has("example")) {
            return 0;
        }
        List<String> problems = api.problems(media.path("schema"), media.get("example"));
        if (!problems.isEmpty()) {
            fail(where + ": the example does not fit its schema: " + problems);
        }
        return 1;
    }

    private boolean isErrorSchema(JsonNode schema) {
        if ("#/components/schemas/Error".equals(schema.path("$ref").asText())) {
            return true;
        }
        if (schema.has("$ref")) {
            return isErrorSchema(api.resolve(schema));
        }
        for (JsonNode part : schema.path("allOf")) {
            if (isErrorSchema(part)) {
                return true;
            }
        }
        return false;
    }

    private List<JsonNode> parameters(ApiDescription.Operation operation) {
        List<JsonNode> parameters = new ArrayList<>();
        api.root.path("paths").path(operation.path()).path("parameters").forEach(p -> parameters.add(api.resolve(p)));
        operation.node().path("parameters").forEach(p -> parameters.add(api.resolve(p)));
        return parameters;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node.properties();
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
            node.forEach(child -> walk(child, visit));
        } else if (node.isArray()) {
            node.forEach(child -> walk(child, visit));
        }
    }

    private static JsonNode json(String text) {
        try {
            return dev.onsale.platform.Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
