package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml as AWS will see it: expanded offline by the SAM translator (skipped where it is not
 * installed), checked against the Lambda jar the build produced.
 */
class TemplateIT {
    private static final Pattern ALIAS_IN_URI = Pattern.compile("\\$\\{(\\w+)Alias(\\w+)}");
    private static JsonNode resources;

    @BeforeAll
    static void expand() throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/expand-template.py").toAbsolutePath();
        Path out = Files.createTempFile(Path.of("target"), "expanded", ".json");
        Process process = new ProcessBuilder("python3", script.toString(), EmbeddedStack.projectFile("template.yaml").toString())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int exit = process.waitFor();
        assumeTrue(exit != 3, "the SAM translator (pip aws-sam-translator) is not installed");
        assertEquals(0, exit, "the SAM translator refused template.yaml");
        resources = Json.MAPPER.readTree(Files.readString(out, StandardCharsets.UTF_8)).get("Resources");
    }

    private static List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    @Test
    void everyFunctionHasSnapStartOnPublishedVersionsAndAnAlias() {
        List<String> functions = ofType("AWS::Lambda::Function");
        assertFalse(functions.isEmpty());
        Set<String> aliased = new HashSet<>();
        for (String alias : ofType("AWS::Lambda::Alias")) {
            aliased.add(resources.get(alias).get("Properties").get("FunctionName").get("Ref").asText());
        }
        for (String function : functions) {
            JsonNode properties = resources.get(function).get("Properties");
            assertEquals("PublishedVersions", properties.path("SnapStart").path("ApplyOn").asText(), function);
            assertEquals("java21", properties.get("Runtime").asText(), function);
            assertTrue(aliased.contains(function), function + " has no alias");
        }
    }

    @Test
    void everyRouteReachesAHandlerClassInTheBuiltJar() throws Exception {
        Path jar = Path.of("target/functions.jar");
        assertTrue(Files.exists(jar), "build the jar first (mvn package)");
        JsonNode paths = resources.get(ofType("AWS::ApiGatewayV2::Api").getFirst()).get("Properties").get("Body").get("paths");
        int routes = 0;
        try (ZipFile zip = new ZipFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (Map.Entry<String, JsonNode> path : paths.properties()) {
                for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                    String uri = method.getValue().get("x-amazon-apigateway-integration").get("uri").get("Fn::Sub").asText();
                    Matcher alias = ALIAS_IN_URI.matcher(uri);
                    assertTrue(alias.find(), "route " + method.getKey() + " " + path.getKey() + " does not invoke an alias: " + uri);
                    String function = alias.group(1);
                    String handler = resources.get(function).get("Properties").get("Handler").asText().split("::")[0];
                    assertNotNull(zip.getEntry(handler.replace('.', '/') + ".class"), handler + " is not in " + jar);
                    Class<?> type = Class.forName(handler, false, loader);
                    assertTrue(implementsRequestHandler(type), handler + " is not a RequestHandler");
                    routes++;
                }
            }
        }
        assertTrue(routes >= 6, "expected the catalog, ops and default routes, found " + routes);
    }

    @Test
    void theLambdaJarHoldsNoEmulator() throws IOException {
        List<String> forbidden = List.of("software/amazon/dynamodb/", "com/amazonaws/services/dynamodbv2/local/",
                "org/elasticmq/", "redis/embedded/", "org/testcontainers/", "dev/onsale/localstack/", "org/junit/");
        try (ZipFile zip = new ZipFile(Path.of("target/functions.jar").toFile())) {
            List<String> found = zip.stream().map(entry -> entry.getName())
                    .filter(name -> forbidden.stream().anyMatch(name::startsWith))
                    .limit(5).toList();
            assertEquals(List.of(), found, "local/test-only code in the Lambda jar");
        }
    }

    private static boolean implementsRequestHandler(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(RequestHandler.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void everySqsEventSourceReportsBatchItemFailures() {
        for (String mapping : ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode types = resources.get(mapping).get("Properties").get("FunctionResponseTypes");
            assertNotNull(types, mapping + " does not report batch item failures");
            assertTrue(types.toString().contains("ReportBatchItemFailures"), mapping);
        }
    }

    @Test
    void theDefaultRouteKnowsEveryOtherRoute() {
        JsonNode paths = resources.get(ofType("AWS::ApiGatewayV2::Api").getFirst()).get("Properties").get("Body").get("paths");
        Set<String> routes = new TreeSet<>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (!path.getKey().equals("$default")) {
                routes.add(method.getKey().toUpperCase() + " " + path.getKey());
            }
        }));
        String declared = resources.get("RouteNotFoundFunction").get("Properties").get("Environment").get("Variables")
                .get("ROUTES").asText();
        Set<String> known = new TreeSet<>(Arrays.stream(declared.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        assertEquals(routes, known, "ROUTES of RouteNotFoundFunction drifted from the template's routes");
    }
}
