package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;
import dev.onsale.localstack.Main;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The production review of template.yaml (issue 14), one rule a test, on the template as AWS will see it (expanded
 * offline by the SAM translator; skipped where it is not installed). Each rule is also run on a copy of the template
 * that breaks it ({@link #eachRuleFailsOnATemplateThatBreaksIt}), so none passes by looking at nothing.
 */
class ProductionReviewIT {
    private static final Path TEMPLATE = EmbeddedStack.projectFile("template.yaml");
    private static final String JAR = "functions/target/functions.jar";

    /** Stage throttling by route key: the rate (requests/s); each route's burst is the same. */
    private static final Map<String, Integer> ROUTE_RATES = Map.of(
            "GET /api/v1/events/{event_id}/seats", 5000,
            "POST /api/v1/events/{event_id}/waiting-room/join", 2000,
            "GET /api/v1/events/{event_id}/waiting-room/status", 3000,
            "POST /api/v1/bookings", 1000,
            "POST /api/v1/bookings/{booking_id}/confirm", 500,
            "POST /api/v1/bookings/{booking_id}/cancel", 250);
    private static final Map<String, Integer> RESERVED = Map.of("CreateBookingFunction", 100, "ConfirmBookingFunction", 50,
            "CancelBookingFunction", 25, "HoldExpiryFunction", 20, "SeatAvailabilityFunction", 20);
    /** The default Lambda concurrency quota of an account, and what Lambda keeps unreserved whatever is reserved. */
    private static final int ACCOUNT_CONCURRENCY = 1000;
    private static final int ALWAYS_UNRESERVED = 100;
    /** The booking, expiry and waiting-room functions: each has an Errors and a Throttles alarm. */
    private static final Set<String> WATCHED = Set.of("CreateBookingFunction", "ConfirmBookingFunction", "CancelBookingFunction",
            "HoldExpiryFunction", "SeatAvailabilityFunction", "GetSeatMapFunction", "JoinWaitingRoomFunction",
            "WaitingRoomStatusFunction", "RedeemPresaleCodeFunction");

    private static Review actual;

    @BeforeAll
    static void expand() {
        actual = Review.of(TEMPLATE);
    }

    /** A template as written (its text) and as expanded (resources, parameters, conditions). */
    record Review(String text, JsonNode expanded) {
        static Review of(Path template) {
            try {
                Path script = Path.of("src/test/resources/expand-template.py").toAbsolutePath();
                Path out = Files.createTempFile(Path.of("target"), "reviewed", ".json");
                Process process = new ProcessBuilder("python3", script.toString(), template.toString())
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                int exit = process.waitFor();
                assumeTrue(exit != 3, "the SAM translator (pip aws-sam-translator) is not installed");
                if (exit != 0) {
                    // not an AssertionError: a break must fail its rule, not the translation
                    throw new IllegalStateException("the SAM translator refused " + template);
                }
                return new Review(Files.readString(template), Json.MAPPER.readTree(Files.readString(out, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        JsonNode resources() {
            return expanded.get("Resources");
        }

        JsonNode resource(String logicalId) {
            JsonNode resource = resources().get(logicalId);
            assertNotNull(resource, "no resource " + logicalId);
            return resource;
        }

        JsonNode properties(String logicalId) {
            return resource(logicalId).path("Properties");
        }

        JsonNode parameter(String name) {
            JsonNode parameter = expanded.path("Parameters").get(name);
            assertNotNull(parameter, "no parameter " + name);
            return parameter;
        }

        List<String> ofType(String type) {
            List<String> ids = new ArrayList<>();
            resources().properties().forEach(e -> {
                if (e.getValue().path("Type").asText().equals(type)) {
                    ids.add(e.getKey());
                }
            });
            return ids;
        }

        /** The SAM functions, by the logical id of the Lambda function they became. */
        List<String> functions() {
            return ofType("AWS::Lambda::Function");
        }

        /** The route keys of the HTTP API ("GET /api/v1/events", "$default"), each with the function it invokes. */
        Map<String, String> routes() {
            Map<String, String> routes = new TreeMap<>();
            JsonNode api = properties(ofType("AWS::ApiGatewayV2::Api").getFirst()).path("Body").path("paths");
            api.properties().forEach(path -> path.getValue().properties().forEach(method -> {
                String uri = method.getValue().path("x-amazon-apigateway-integration").path("uri").path("Fn::Sub").asText();
                String function = uri.replaceAll(".*\\$\\{(\\w+?)Alias\\w+}.*", "$1");
                String key = path.getKey().replace("/", "").equals("$default") ? "$default" : method.getKey().toUpperCase().replace("X-AMAZON-APIGATEWAY-ANY-METHOD", "ANY") + " " + path.getKey();
                routes.put(key, function);
            }));
            return routes;
        }

        /** The alarms on {@code metric} whose dimension {@code dimension} is {@code value} (a Ref or GetAtt as JSON). */
        List<String> alarmsOn(String metric, String dimension, JsonNode value) {
            return ofType("AWS::CloudWatch::Alarm").stream().filter(alarm -> {
                JsonNode properties = properties(alarm);
                List<JsonNode> metrics = new ArrayList<>();
                metrics.add(properties);
                properties.path("Metrics").forEach(query -> metrics.add(query.path("MetricStat").path("Metric")));
                return metrics.stream().anyMatch(m -> m.path("MetricName").asText().equals(metric)
                        && Stream.iterate(0, i -> i < m.path("Dimensions").size(), i -> i + 1).map(i -> m.path("Dimensions").get(i))
                        .anyMatch(d -> d.path("Name").asText().equals(dimension) && d.path("Value").equals(value)));
            }).toList();
        }
    }

    private static JsonNode ref(String logicalId) {
        return Json.MAPPER.createObjectNode().put("Ref", logicalId);
    }

    private static JsonNode getAtt(String logicalId, String attribute) {
        return Json.MAPPER.createObjectNode().set("Fn::GetAtt", Json.MAPPER.createArrayNode().add(logicalId).add(attribute));
    }

    // ---------- the rules ----------

    /** A DynamoDB gateway endpoint and SQS and Secrets Manager interface endpoints, made only with VpcEndpoints=Create. */
    static void vpcEndpoints(Review review) {
        JsonNode choice = review.parameter("VpcEndpoints");
        assertEquals("Create", choice.path("Default").asText());
        assertEquals(List.of("Create", "None"), texts(choice.path("AllowedValues")));
        assertEquals("CommaDelimitedList", review.parameter("RouteTableIds").path("Type").asText());
        assertEquals(Json.MAPPER.createObjectNode().set("Fn::Equals", Json.MAPPER.createArrayNode().add(ref("VpcEndpoints")).add("Create")),
                review.expanded().path("Conditions").path("CreateVpcEndpoints"));
        Map<String, String> services = new TreeMap<>();
        for (String endpoint : review.ofType("AWS::EC2::VPCEndpoint")) {
            JsonNode resource = review.resource(endpoint);
            JsonNode properties = resource.path("Properties");
            assertEquals("CreateVpcEndpoints", resource.path("Condition").asText(), endpoint);
            assertEquals(ref("VpcId"), properties.path("VpcId"), endpoint);
            String service = properties.path("ServiceName").path("Fn::Sub").asText().replace("com.amazonaws.${AWS::Region}.", "");
            String type = properties.path("VpcEndpointType").asText();
            services.put(service, type);
            if (type.equals("Gateway")) {
                assertEquals(ref("RouteTableIds"), properties.path("RouteTableIds"), endpoint);
            } else {
                assertTrue(properties.path("PrivateDnsEnabled").asBoolean(), endpoint + ": the SDK's default endpoints resolve to it");
                assertEquals(ref("SubnetIds"), properties.path("SubnetIds"), endpoint);
                for (JsonNode group : properties.path("SecurityGroupIds")) {
                    JsonNode ingress = review.properties(group.path("Ref").asText()).path("SecurityGroupIngress");
                    assertEquals(1, ingress.size(), endpoint);
                    assertEquals(443, ingress.get(0).path("FromPort").asInt(), endpoint);
                    assertEquals(443, ingress.get(0).path("ToPort").asInt(), endpoint);
                    assertEquals(ref("FunctionSecurityGroup"), ingress.get(0).path("SourceSecurityGroupId"), endpoint);
                }
                assertFalse(properties.path("SecurityGroupIds").isEmpty(), endpoint);
            }
        }
        assertEquals(Map.of("dynamodb", "Gateway", "sqs", "Interface", "secretsmanager", "Interface"), services);
    }

    /** The handlers that say they use Redis (Dependency.REDIS) are the functions with VpcConfig, and only they. */
    static void vpcOnlyForTheRedisFunctions(Review review) {
        Set<String> inVpc = new TreeSet<>();
        Set<String> usesRedis = new TreeSet<>();
        for (String function : review.functions()) {
            JsonNode properties = review.properties(function);
            if (properties.has("VpcConfig")) {
                inVpc.add(function);
                assertEquals(ref("SubnetIds"), properties.path("VpcConfig").path("SubnetIds"), function);
                assertEquals(List.of(ref("FunctionSecurityGroup")), List.copyOf(toList(properties.path("VpcConfig").path("SecurityGroupIds"))), function);
            }
            String handler = properties.path("Handler").asText().split("::")[0];
            Path source = Path.of("src/main/java", handler.replace('.', '/') + ".java");
            try {
                if (Files.readString(source).contains("Dependency.REDIS")) {
                    usesRedis.add(function);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(usesRedis.size() >= 10, "the Redis functions found: " + usesRedis);
        assertEquals(usesRedis, inVpc, "functions in the VPC versus functions that use Redis");
    }

    /** Default and per-route stage throttling; every route key named exists in the API. */
    static void stageThrottling(Review review) {
        String stage = review.ofType("AWS::ApiGatewayV2::Stage").getFirst();
        JsonNode properties = review.properties(stage);
        assertEquals(2000, properties.path("DefaultRouteSettings").path("ThrottlingBurstLimit").asInt());
        assertEquals(1000, properties.path("DefaultRouteSettings").path("ThrottlingRateLimit").asInt());
        Map<String, Integer> rates = new TreeMap<>();
        properties.path("RouteSettings").properties().forEach(route -> {
            rates.put(route.getKey(), route.getValue().path("ThrottlingRateLimit").asInt());
            assertEquals(route.getValue().path("ThrottlingRateLimit").asInt(), route.getValue().path("ThrottlingBurstLimit").asInt(), route.getKey());
        });
        assertEquals(new TreeMap<>(ROUTE_RATES), rates);
        Set<String> routes = review.routes().keySet();
        rates.keySet().forEach(key -> assertTrue(routes.contains(key), key + " is not a route of the API: " + routes));
    }

    /** Reserved concurrency of the booking and expiry paths, leaving the account's rest unreserved. */
    static void reservedConcurrency(Review review) {
        Map<String, Integer> reserved = new TreeMap<>();
        for (String function : review.functions()) {
            JsonNode value = review.properties(function).path("ReservedConcurrentExecutions");
            if (!value.isMissingNode()) {
                reserved.put(function, value.asInt());
            }
        }
        assertEquals(new TreeMap<>(RESERVED), reserved);
        int total = reserved.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(ACCOUNT_CONCURRENCY - total >= ALWAYS_UNRESERVED, "Lambda keeps 100 of the account's concurrency unreserved");
    }

    /** The SQS trigger scales to at most 10 concurrent batches, within its function's reserved concurrency. */
    static void queueTriggerScaling(Review review) {
        int queueTriggers = 0;
        for (String mapping : review.ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode properties = review.properties(mapping);
            if (!properties.path("EventSourceArn").path("Fn::GetAtt").path(1).asText().equals("Arn")
                    || !review.resource(properties.path("EventSourceArn").path("Fn::GetAtt").path(0).asText()).path("Type").asText().equals("AWS::SQS::Queue")) {
                continue;
            }
            queueTriggers++;
            int maximum = properties.path("ScalingConfig").path("MaximumConcurrency").asInt(-1);
            assertEquals(10, maximum, mapping);
            String function = properties.path("FunctionName").path("Ref").asText().replaceAll("Alias\\w+$", "");
            assertTrue(maximum <= review.properties(function).path("ReservedConcurrentExecutions").asInt(), mapping + ": over its function's reserved concurrency");
        }
        assertEquals(1, queueTriggers);
    }

    /** Alarms on every dead-letter queue, the watched functions' errors and throttles, the API, every table, the stream. */
    static void alarms(Review review) {
        Set<String> deadLetterQueues = new TreeSet<>();
        for (String queue : review.ofType("AWS::SQS::Queue")) {
            JsonNode target = review.properties(queue).path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0);
            if (!target.isMissingNode()) {
                deadLetterQueues.add(target.asText());
            }
        }
        for (String mapping : review.ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode destination = review.properties(mapping).path("DestinationConfig").path("OnFailure").path("Destination").path("Fn::GetAtt").path(0);
            if (!destination.isMissingNode()) {
                deadLetterQueues.add(destination.asText());
            }
        }
        assertEquals(2, deadLetterQueues.size(), deadLetterQueues.toString());
        for (String queue : deadLetterQueues) {
            List<String> alarms = review.alarmsOn("ApproximateNumberOfMessagesVisible", "QueueName", getAtt(queue, "QueueName"));
            assertEquals(1, alarms.size(), queue + " has no depth alarm");
            JsonNode alarm = review.properties(alarms.getFirst());
            assertEquals(0, alarm.path("Threshold").asInt(), queue);
            assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText(), queue);
        }
        for (String function : WATCHED) {
            assertFalse(review.alarmsOn("Errors", "FunctionName", ref(function)).isEmpty(), function + " has no Errors alarm");
            assertFalse(review.alarmsOn("Throttles", "FunctionName", ref(function)).isEmpty(), function + " has no Throttles alarm");
        }
        String api = review.ofType("AWS::ApiGatewayV2::Api").getFirst();
        assertFalse(review.alarmsOn("5xx", "ApiId", ref(api)).isEmpty(), "no alarm on the API's 5xx");
        for (String table : review.ofType("AWS::DynamoDB::Table")) {
            assertFalse(review.alarmsOn("WriteThrottleEvents", "TableName", ref(table)).isEmpty(), table + ": no write throttling alarm");
            assertFalse(review.alarmsOn("ReadThrottleEvents", "TableName", ref(table)).isEmpty(), table + ": no read throttling alarm");
        }
        for (String mapping : review.ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode properties = review.properties(mapping);
            if (properties.path("EventSourceArn").path("Fn::GetAtt").path(1).asText().equals("StreamArn")) {
                String function = properties.path("FunctionName").path("Ref").asText().replaceAll("Alias\\w+$", "");
                assertFalse(review.alarmsOn("IteratorAge", "FunctionName", ref(function)).isEmpty(), function + ": no IteratorAge alarm");
            }
        }
        JsonNode notify = Json.MAPPER.createObjectNode().set("Fn::If", Json.MAPPER.createArrayNode().add("NotifyAlarms")
                .add(Json.MAPPER.createArrayNode().add(ref("AlarmTopicArn"))).add(ref("AWS::NoValue")));
        assertEquals("", review.parameter("AlarmTopicArn").path("Default").asText());
        for (String alarm : review.ofType("AWS::CloudWatch::Alarm")) {
            assertEquals(notify, review.properties(alarm).path("AlarmActions"), alarm + ": notifies AlarmTopicArn when one is given");
        }
    }

    /** Every function logs to a log group of its own, kept LogRetentionDays (default 30); the API logs its access as JSON. */
    static void logGroups(Review review) {
        assertEquals(30, review.parameter("LogRetentionDays").path("Default").asInt());
        Set<String> groups = new TreeSet<>();
        for (String function : review.functions()) {
            String group = review.properties(function).path("LoggingConfig").path("LogGroup").path("Ref").asText();
            assertFalse(group.isEmpty(), function + " has no log group of its own");
            assertTrue(groups.add(group), function + " shares " + group);
            assertEquals("AWS::Logs::LogGroup", review.resource(group).path("Type").asText(), function);
            assertEquals(ref("LogRetentionDays"), review.properties(group).path("RetentionInDays"), group);
        }
        for (String group : review.ofType("AWS::Logs::LogGroup")) {
            assertEquals(ref("LogRetentionDays"), review.properties(group).path("RetentionInDays"), group);
        }
        JsonNode access = review.properties(review.ofType("AWS::ApiGatewayV2::Stage").getFirst()).path("AccessLogSettings");
        String destination = access.path("DestinationArn").path("Fn::GetAtt").path(0).asText();
        assertEquals("AWS::Logs::LogGroup", review.resource(destination).path("Type").asText());
        try {
            JsonNode format = Json.MAPPER.readTree(access.path("Format").asText());
            assertTrue(format.has("requestId") && format.has("status") && format.has("routeKey"), format.toString());
        } catch (IOException e) {
            throw new AssertionError("the access log format is not JSON: " + access.path("Format"), e);
        }
    }

    /** The tables that are records are retained and protected; so is the token keys' secret; only TTL-only data may go. */
    static void deletionPolicies(Review review) {
        Set<String> retained = new TreeSet<>();
        for (String table : review.ofType("AWS::DynamoDB::Table")) {
            JsonNode resource = review.resource(table);
            boolean ttlOnly = resource.path("Properties").path("TimeToLiveSpecification").path("Enabled").asBoolean();
            if (ttlOnly) {
                continue;
            }
            assertEquals("Retain", resource.path("DeletionPolicy").asText(), table);
            assertEquals("Retain", resource.path("UpdateReplacePolicy").asText(), table);
            assertTrue(resource.path("Properties").path("DeletionProtectionEnabled").asBoolean(), table);
            retained.add(table);
        }
        assertEquals(Set.of("EventsTable", "SeatsTable", "BookingsTable", "CodesTable"), retained);
        for (String secret : review.ofType("AWS::SecretsManager::Secret")) {
            assertEquals("Retain", review.resource(secret).path("DeletionPolicy").asText(), secret);
            assertEquals("Retain", review.resource(secret).path("UpdateReplacePolicy").asText(), secret);
        }
    }

    /** No function's environment holds a secret's value: at most its ARN (Ref). */
    static void noSecretInAnEnvironment(Review review) {
        Set<String> secrets = new TreeSet<>(review.ofType("AWS::SecretsManager::Secret"));
        assertFalse(secrets.isEmpty());
        for (String function : review.functions()) {
            review.properties(function).path("Environment").path("Variables").properties().forEach(variable -> {
                String value = variable.getValue().toString();
                String where = function + " " + variable.getKey() + "=" + value;
                assertFalse(value.contains("resolve:secretsmanager") || value.contains("resolve:ssm-secure"), where);
                for (String secret : secrets) {
                    if (value.contains("\"" + secret + "\"")) {
                        assertEquals(ref(secret), variable.getValue(), where + ": only the ARN");
                        assertTrue(variable.getKey().endsWith("_ARN"), where);
                    }
                }
            });
        }
    }

    /** Tracing is a parameter (Active or PassThrough, PassThrough by default) that every function follows. */
    static void tracingSwitch(Review review) {
        JsonNode tracing = review.parameter("Tracing");
        assertEquals("PassThrough", tracing.path("Default").asText());
        assertEquals(List.of("Active", "PassThrough"), texts(tracing.path("AllowedValues")));
        for (String function : review.functions()) {
            assertEquals(ref("Tracing"), review.properties(function).path("TracingConfig").path("Mode"), function);
        }
    }

    /** Every API function's alias moves through CodeDeploy (DeploymentType), rolled back by alarms that watch it. */
    static void gradualDeploys(Review review) {
        JsonNode type = review.parameter("DeploymentType");
        assertEquals("Canary10Percent5Minutes", type.path("Default").asText());
        assertTrue(texts(type.path("AllowedValues")).containsAll(List.of("Canary10Percent5Minutes", "AllAtOnce")));
        Set<String> apiFunctions = new TreeSet<>(review.routes().values());
        assertTrue(apiFunctions.size() >= 20, apiFunctions.toString());
        for (String function : apiFunctions) {
            JsonNode group = review.properties(function + "DeploymentGroup");
            assertTrue(group.path("DeploymentConfigName").toString().contains("Canary10Percent5Minutes"),
                    function + ": the deployment type's default, as SAM resolves it: " + group.path("DeploymentConfigName"));
            JsonNode alarms = group.path("AlarmConfiguration").path("Alarms");
            assertTrue(group.path("AlarmConfiguration").path("Enabled").asBoolean() && !alarms.isEmpty(), function + " deploys without alarms");
            String route = review.routes().entrySet().stream().filter(e -> e.getValue().equals(function)).findFirst().orElseThrow().getKey();
            boolean watchesItself = false;
            for (JsonNode alarm : alarms) {
                String id = alarm.path("Name").path("Ref").asText();
                assertEquals("AWS::CloudWatch::Alarm", review.resource(id).path("Type").asText(), function + ": " + id);
                JsonNode properties = review.properties(id);
                watchesItself |= properties.path("Dimensions").toString().contains("\"" + route + "\"")
                        || properties.path("Dimensions").equals(Json.MAPPER.createArrayNode().add(
                                Json.MAPPER.createObjectNode().put("Name", "FunctionName").set("Value", ref(function))));
            }
            assertTrue(watchesItself, function + ": no rollback alarm watches it (its route " + route + " or its errors)");
            JsonNode update = review.resource(function + "Aliaslive").path("UpdatePolicy").path("CodeDeployLambdaAliasUpdate");
            assertEquals(function + "DeploymentGroup", update.path("DeploymentGroupName").path("Ref").asText(), function);
        }
    }

    /** Every function ships the jar Maven builds, which sam build skips, and whose build is reproducible; .aws-sam/ is ignored. */
    static void codeUriIsTheJar(Review review) {
        for (String function : review.functions()) {
            assertEquals(JAR, review.properties(function).path("Code").path("S3Key").asText(), function + ": CodeUri");
            assertTrue(review.resource(function).path("Metadata").path("SkipBuild").asBoolean(), function + ": sam build would build it");
        }
    }

    static void buildHygiene() throws IOException {
        List<String> ignored = Files.readAllLines(EmbeddedStack.projectFile(".gitignore"));
        assertTrue(ignored.contains(".aws-sam/"), ".aws-sam/ is not git-ignored");
        assertTrue(Files.readString(EmbeddedStack.projectFile("pom.xml")).matches("(?s).*<project\\.build\\.outputTimestamp>\\d{4}-.*"),
                "no fixed project.build.outputTimestamp: the jar changes with every build");
        assertTrue(Files.exists(EmbeddedStack.projectFile(JAR)), "build the jar first (mvn package)");
    }

    // ---------- the tests ----------

    @Test
    void theVpcFunctionsReachDynamoDbSqsAndSecretsManagerThroughEndpointsUnderTheirCondition() {
        vpcEndpoints(actual);
    }

    @Test
    void onlyTheFunctionsThatUseRedisAreInTheVpc() {
        vpcOnlyForTheRedisFunctions(actual);
    }

    @Test
    void everyOnSaleRouteHasItsOwnStageThrottleAndTheRestTheDefault() {
        stageThrottling(actual);
    }

    @Test
    void theBookingAndExpiryPathsHaveReservedConcurrency() {
        reservedConcurrency(actual);
    }

    @Test
    void theQueueTriggerScalesToTenBatches() {
        queueTriggerScaling(actual);
    }

    @Test
    void deadLetterQueuesFunctionsTheApiTablesAndTheStreamHaveAlarms() {
        alarms(actual);
    }

    @Test
    void everyFunctionLogsToAGroupOfItsOwnWithRetention() {
        logGroups(actual);
    }

    @Test
    void theRecordsAndTheSecretSurviveAStackDeletionOrReplacement() {
        deletionPolicies(actual);
    }

    @Test
    void noFunctionsEnvironmentHoldsASecret() {
        noSecretInAnEnvironment(actual);
    }

    @Test
    void tracingFollowsItsParameter() {
        tracingSwitch(actual);
    }

    @Test
    void everyApiFunctionDeploysGraduallyAndRollsBackOnItsAlarms() {
        gradualDeploys(actual);
    }

    @Test
    void everyFunctionShipsTheReproducibleJarThatSamBuildSkips() throws IOException {
        codeUriIsTheJar(actual);
        buildHygiene();
    }

    /** A copy of template.yaml with one rule broken: {@code find} (its first occurrence) replaced by {@code replace}. */
    static Stream<Arguments> breaks() {
        return Stream.of(
                Arguments.of("vpcEndpoints", (Consumer<Review>) ProductionReviewIT::vpcEndpoints,
                        "      VpcEndpointType: Gateway\n", "      VpcEndpointType: Interface\n"),
                Arguments.of("vpcOnlyForTheRedisFunctions", (Consumer<Review>) ProductionReviewIT::vpcOnlyForTheRedisFunctions,
                        "      # uses Redis: in the cache's VPC\n      VpcConfig:\n        SubnetIds: !Ref SubnetIds\n"
                                + "        SecurityGroupIds: [!Ref FunctionSecurityGroup]\n", ""),
                Arguments.of("stageThrottling", (Consumer<Review>) ProductionReviewIT::stageThrottling,
                        "\"GET /api/v1/events/{event_id}/seats\":", "\"GET /api/v1/events/{id}/seats\":"),
                Arguments.of("reservedConcurrency", (Consumer<Review>) ProductionReviewIT::reservedConcurrency,
                        "ReservedConcurrentExecutions: 100", "ReservedConcurrentExecutions: 150"),
                Arguments.of("queueTriggerScaling", (Consumer<Review>) ProductionReviewIT::queueTriggerScaling,
                        "MaximumConcurrency: 10", "MaximumConcurrency: 30"),
                Arguments.of("alarms", (Consumer<Review>) ProductionReviewIT::alarms,
                        "Value: !GetAtt SeatChangesDeadLetterQueue.QueueName\n      Statistic", "Value: !GetAtt HoldExpiryDeadLetterQueue.QueueName\n      Statistic"),
                Arguments.of("logGroups", (Consumer<Review>) ProductionReviewIT::logGroups,
                        "LogGroup: !Ref GetEventLogGroup", "LogGroup: !Ref ListEventsLogGroup"),
                Arguments.of("deletionPolicies", (Consumer<Review>) ProductionReviewIT::deletionPolicies,
                        "  SeatsTable:\n    Type: AWS::DynamoDB::Table\n    DeletionPolicy: Retain\n", "  SeatsTable:\n    Type: AWS::DynamoDB::Table\n"),
                Arguments.of("noSecretInAnEnvironment", (Consumer<Review>) ProductionReviewIT::noSecretInAnEnvironment,
                        "WAITING_ROOM_SECRET_ARN: !Ref WaitingRoomSecret",
                        "WAITING_ROOM_SECRET_ARN: '{{resolve:secretsmanager:onsale}}'\n          KEYS: !Ref WaitingRoomSecret"),
                Arguments.of("tracingSwitch", (Consumer<Review>) ProductionReviewIT::tracingSwitch,
                        "    Tracing: !Ref Tracing\n", "    Tracing: Active\n"),
                Arguments.of("gradualDeploys", (Consumer<Review>) ProductionReviewIT::gradualDeploys,
                        "        Alarms: [!Ref CreateBooking5xxAlarm, !Ref CreateBookingErrorsAlarm]\n", "        Alarms: [!Ref Api5xxAlarm]\n"),
                Arguments.of("codeUriIsTheJar", (Consumer<Review>) ProductionReviewIT::codeUriIsTheJar,
                        "      SkipBuild: true\n", "      BuildMethod: makefile\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaks")
    void eachRuleFailsOnATemplateThatBreaksIt(String rule, Consumer<Review> check, String find, String replace) throws IOException {
        String text = actual.text();
        assertTrue(text.contains(find), rule + ": the template no longer has " + find + " (update this break)");
        Path broken = Files.createTempFile(Path.of("target"), "broken-" + rule, ".yaml");
        int at = text.indexOf(find);
        Files.writeString(broken, text.substring(0, at) + replace + text.substring(at + find.length()));

        assertThrows(AssertionError.class, () -> check.accept(Review.of(broken)), rule + " passed a template that breaks it");
    }

    // ---------- the running stack ----------

    /**
     * Every function answers its sample event (events/) on a local stack of {@code template}, where a function without
     * VpcConfig is given an unreachable cache: the functions that tried it, by logical id.
     */
    private static Map<String, Integer> cacheAttemptsOutsideTheVpc(Path template) throws IOException {
        try (LocalStack stack = LocalStack.start(LocalStackOptions.builder().template(template).port(0).stackName("onsale-review")
                .parameterOverrides(EmbeddedStack.parameters()).pollers(false).eagerInit(true).enforceIam(true).build())) {
            for (String function : stack.template().resourcesOfType(dev.onsale.localstack.Template.SERVERLESS_FUNCTION).stream()
                    .map(dev.onsale.localstack.Template.Resource::logicalId).toList()) {
                try {
                    Main.invoke(stack, function, Files.readString(SampleEventsIT.sampleOf(function)));
                } catch (RuntimeException answeredWithAnError) {
                    // what it answers is SampleEventsIT's business; here only what it connected to counts
                }
            }
            long deadline = System.nanoTime() + 2_000_000_000L; // the background connects the functions began at init
            Map<String, Integer> tried = new TreeMap<>();
            while (System.nanoTime() < deadline) {
                tried = new TreeMap<>(stack.cacheConnectionsFromOutsideTheVpc());
                tried.values().removeIf(attempts -> attempts == 0);
                if (!tried.isEmpty()) {
                    break;
                }
                sleep(100);
            }
            return tried;
        }
    }

    @Test
    void noFunctionOutsideTheVpcTriesTheCache() throws IOException {
        assertEquals(Map.of(), cacheAttemptsOutsideTheVpc(TEMPLATE), "functions without VpcConfig that connected to the cache");
    }

    @Test
    void aRedisFunctionTakenOutOfTheVpcIsSeenTryingTheCache() throws IOException {
        String text = Files.readString(TEMPLATE);
        int function = text.indexOf("\n  GetEventFunction:");
        String vpc = "      # uses Redis: in the cache's VPC\n      VpcConfig:\n        SubnetIds: !Ref SubnetIds\n"
                + "        SecurityGroupIds: [!Ref FunctionSecurityGroup]\n";
        int at = text.indexOf(vpc, function);
        assertTrue(function > 0 && at > function && at < text.indexOf("Events:", function), "GetEventFunction's VpcConfig moved: update this test");
        Path copy = Files.createTempFile(Path.of("target"), "template-get-event-outside-vpc", ".yaml");
        Files.writeString(copy, text.substring(0, at) + text.substring(at + vpc.length()));

        assertTrue(cacheAttemptsOutsideTheVpc(copy).getOrDefault("GetEventFunction", 0) > 0,
                "GetEventFunction uses Redis: outside the VPC it must be seen trying it");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        node.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static List<JsonNode> toList(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }
}
