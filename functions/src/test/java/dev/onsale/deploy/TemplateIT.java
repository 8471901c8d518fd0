package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.waitingroom.TokenKeyRotation;
import dev.onsale.waitingroom.WaitingRoomService;
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
    private static JsonNode parameters;
    /** The functions that sign or verify waiting-room tokens: they build their AdmissionTokens on the secret's keys. */
    private static final Set<String> TOKEN_FUNCTIONS = Set.of("GetSeatMapFunction", "CreateBookingFunction",
            "JoinWaitingRoomFunction", "WaitingRoomStatusFunction", "RedeemPresaleCodeFunction");
    private static final String ROTATION_FUNCTION = "RotateTokenKeysFunction";
    private static final String KEYS = "WaitingRoomSecret";

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
        JsonNode expanded = Json.MAPPER.readTree(Files.readString(out, StandardCharsets.UTF_8));
        resources = expanded.get("Resources");
        parameters = expanded.get("Parameters");
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

    @Test
    void theTokenKeysAreAGeneratedSecretAndNoFunctionsEnvironmentHoldsThem() {
        JsonNode secret = resources.get(KEYS);
        assertEquals("AWS::SecretsManager::Secret", secret.get("Type").asText());
        assertTrue(secret.path("Properties").has("GenerateSecretString"), "generated by CloudFormation");
        assertFalse(secret.path("Properties").has("SecretString"), "no value in the template");
        parameters.properties().forEach(parameter -> assertFalse(parameter.getValue().path("NoEcho").asBoolean(false),
                parameter.getKey() + ": no secret comes in as a parameter"));

        Set<String> withArn = new TreeSet<>();
        for (String function : ofType("AWS::Lambda::Function")) {
            JsonNode variables = resources.get(function).path("Properties").path("Environment").path("Variables");
            variables.properties().forEach(variable -> {
                String name = variable.getKey();
                String value = variable.getValue().toString();
                String where = function + " " + name + "=" + value;
                assertFalse(value.contains("resolve:secretsmanager"), where + ": a dynamic reference puts the value in the variable");
                assertFalse(name.contains("SECRET") && !name.endsWith("_ARN"), where + ": a secret's value in a variable");
                if (value.contains(KEYS)) {
                    assertEquals("WAITING_ROOM_SECRET_ARN", name, where);
                    assertEquals(Json.MAPPER.createObjectNode().put("Ref", KEYS), variable.getValue(),
                            where + ": only Ref, the secret's ARN");
                    withArn.add(function);
                }
            });
        }
        Set<String> expected = new TreeSet<>(TOKEN_FUNCTIONS);
        expected.add(ROTATION_FUNCTION);
        assertEquals(expected, withArn, "the functions that get the secret's ARN");
    }

    @Test
    void onlyTheFunctionsThatSignOrVerifyTokensMayReadTheKeysAndOnlyTheRotationWritesThem() {
        Map<String, Set<String>> granted = new java.util.TreeMap<>();
        for (String function : ofType("AWS::Lambda::Function")) {
            String role = resources.get(function).path("Properties").path("Role").path("Fn::GetAtt").path(0).asText();
            for (JsonNode policy : resources.get(role).path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    List<String> actions = texts(statement.get("Action"));
                    List<String> secretActions = actions.stream()
                            .filter(action -> action.equals("*") || action.toLowerCase().startsWith("secretsmanager:")).toList();
                    if (secretActions.isEmpty() || !"Allow".equals(statement.path("Effect").asText())) {
                        continue;
                    }
                    assertEquals(Json.MAPPER.createObjectNode().put("Ref", KEYS), statement.get("Resource"),
                            function + ": Secrets Manager actions on the token keys' secret alone, never on *");
                    granted.computeIfAbsent(function, f -> new TreeSet<>()).addAll(secretActions);
                }
            }
        }
        Map<String, Set<String>> expected = new java.util.TreeMap<>();
        TOKEN_FUNCTIONS.forEach(function -> expected.put(function, Set.of("secretsmanager:GetSecretValue")));
        expected.put(ROTATION_FUNCTION, Set.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"));
        assertEquals(expected, granted);

        JsonNode permission = resources.properties().stream().map(Map.Entry::getValue)
                .filter(resource -> resource.get("Type").asText().equals("AWS::Lambda::Permission"))
                .filter(resource -> resource.path("Properties").path("Principal").asText().equals("secretsmanager.amazonaws.com"))
                .findFirst().orElseThrow(() -> new AssertionError("Secrets Manager may not invoke the rotation function"));
        assertEquals(ROTATION_FUNCTION, permission.path("Properties").path("FunctionName").path("Fn::GetAtt").path(0).asText());
        assertEquals(KEYS, permission.path("Properties").path("SourceArn").path("Ref").asText(), "for this secret only");
    }

    @Test
    void rotationsComeNoSoonerThanTheLongestTokenLifetimePlusTheRefreshAge() {
        JsonNode schedule = resources.get(ofType("AWS::SecretsManager::RotationSchedule").getFirst()).get("Properties");
        assertEquals(KEYS, schedule.path("SecretId").path("Ref").asText());
        assertEquals(ROTATION_FUNCTION, schedule.path("RotationLambdaARN").path("Fn::GetAtt").path(0).asText());
        assertFalse(schedule.path("RotateImmediatelyOnUpdate").asBoolean(true),
                "a rotation at deploy could come sooner after the last one than the rule allows");
        JsonNode rules = schedule.get("RotationRules");
        Matcher rate = Pattern.compile("rate\\((\\d+) days?\\)").matcher(rules.path("ScheduleExpression").asText());
        long days = rate.matches() ? Long.parseLong(rate.group(1)) : rules.path("AutomaticallyAfterDays").asLong();
        assertTrue(days > 0, "a schedule in days: " + rules);
        // Secrets Manager rotates anywhere in the window (a day when none is given), so two may come a window sooner
        Matcher window = Pattern.compile("(\\d+)h").matcher(rules.path("Duration").asText("24h"));
        assertTrue(window.matches(), rules.toString());
        java.time.Duration shortest = java.time.Duration.ofDays(days).minusHours(Long.parseLong(window.group(1)));

        JsonNode variables = resources.get(ROTATION_FUNCTION).path("Properties").path("Environment").path("Variables");
        Config.WaitingRoom settings = Config.WaitingRoom.from(name -> variables.path(name).isTextual() ? variables.path(name).asText() : null);
        java.time.Duration longestRefresh = java.time.Duration.ofSeconds(parameters.path("WaitingRoomKeysRefreshSeconds").path("MaxValue").asLong());
        java.time.Duration safe = TokenKeyRotation.safeInterval(WaitingRoomService.longestTokenLifetime(settings), longestRefresh);
        assertTrue(shortest.compareTo(safe) >= 0, "rotations as close as " + shortest + " would refuse tokens before they expire (" + safe + ")");
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(item -> texts.add(item.asText()));
        } else if (node != null) {
            texts.add(node.asText());
        }
        return texts;
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
