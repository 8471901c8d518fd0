package dev.onsale.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.OpenApi31;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.onsale.localstack.Template;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The API's OpenAPI description as the Lambda jar ships it, with the means to check things against it. */
final class ApiDescription {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    /** OpenAPI 3.1's dialect of JSON Schema 2020-12; the wrapper's {@code components} only hold the targets of {@code $ref}s. */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
            Dialect.builder(OpenApi31.getInstance()).keyword(new NonValidationKeyword("components")).build());

    /** An operation of the description: {@code GET /api/v1/events}. */
    record Operation(String method, String path, JsonNode node) {
        String routeKey() {
            return method.toUpperCase() + " " + path;
        }
    }

    /** A route of template.yaml and whether API Gateway's JWT authorizer guards it. */
    record Route(String function, String method, String path, boolean authorized) {
        String routeKey() {
            return method + " " + path;
        }
    }

    final JsonNode root;

    private ApiDescription(JsonNode root) {
        this.root = root;
    }

    static ApiDescription load() {
        try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(OpenApiHandler.DESCRIPTION)) {
            if (in == null) {
                throw new IllegalStateException("no " + OpenApiHandler.DESCRIPTION + " on the class path");
            }
            return new ApiDescription(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        root.path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (METHODS.contains(entry.getKey())) {
                operations.add(new Operation(entry.getKey(), path.getKey(), entry.getValue()));
            }
        }));
        return operations;
    }

    Operation operation(String method, String path) {
        return operations().stream().filter(op -> op.method().equals(method) && op.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " " + path + " in the description"));
    }

    /** A {@code $ref} target ({@code #/components/...}), or the node itself when it is no reference. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#") || hops > 10) {
                throw new AssertionError("unresolvable $ref " + ref);
            }
            current = root.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new AssertionError("$ref " + ref + " points at nothing");
            }
        }
        return current;
    }

    /** The problems of {@code value} against {@code schema} (a schema of this description, {@code $ref}s into it allowed). */
    List<String> problems(JsonNode schema, JsonNode value) {
        ObjectNode wrapper = Json.MAPPER.createObjectNode();
        wrapper.set("allOf", Json.MAPPER.createArrayNode().add(schema));
        wrapper.set("components", root.get("components"));
        Schema compiled = SCHEMAS.getSchema(SchemaLocation.of("urn:onsale:openapi"), wrapper);
        return compiled.validate(value).stream().map(error -> error.toString()).toList();
    }

    /** The schema of an operation's answer with {@code status} as JSON. */
    JsonNode responseSchema(Operation operation, int status) {
        JsonNode response = resolve(operation.node().path("responses").path(String.valueOf(status)));
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            throw new AssertionError(operation.routeKey() + " documents no JSON " + status);
        }
        return schema;
    }

    /** Every route of template.yaml's HttpApi events, but the $default route. */
    static List<Route> templateRoutes() {
        Template template = Template.load(EmbeddedStack.projectFile("template.yaml"));
        List<Route> routes = new ArrayList<>();
        for (Template.Resource function : template.resourcesOfType(Template.SERVERLESS_FUNCTION)) {
            Object events = function.properties().get("Events");
            if (!(events instanceof Map<?, ?> byName)) {
                continue;
            }
            for (Object event : byName.values()) {
                Map<?, ?> definition = (Map<?, ?>) event;
                if (!"HttpApi".equals(definition.get("Type"))) {
                    continue;
                }
                Map<?, ?> properties = definition.get("Properties") instanceof Map<?, ?> p ? p : Map.of();
                Object path = properties.get("Path");
                if (path == null || "$default".equals(path)) {
                    continue;
                }
                boolean authorized = !(properties.get("Auth") instanceof Map<?, ?> auth && "NONE".equals(auth.get("Authorizer")));
                routes.add(new Route(function.logicalId(), String.valueOf(properties.get("Method")).toUpperCase(),
                        String.valueOf(path), authorized));
            }
        }
        return routes;
    }

    static Map<String, Route> templateRoutesByKey() {
        Map<String, Route> byKey = new TreeMap<>();
        templateRoutes().forEach(route -> byKey.put(route.routeKey(), route));
        return byKey;
    }
}
