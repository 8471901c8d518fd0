package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.Main;
import dev.onsale.localstack.Template;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every function of template.yaml has a sample event in {@code events/} ({@code CreateEventFunction} →
 * {@code events/create-event.json}), shaped as {@code sam local generate-event} shapes it, and answers it.
 *
 * <p>The samples run as {@code scripts/invoke} runs them: the options {@code Main} builds for {@code --invoke}
 * (a fresh stack, lazy handlers, no pollers) and {@link Main#invoke}. They refer to the data a fresh stack gets
 * from the samples themselves, run in order: {@code create-event.json} makes event 1, which the others name.
 * A booking's id is made at hold time, so the samples that name one (an example id) answer 404, and are run
 * a second time with the id of the hold {@code create-booking.json} made; the waiting-room status sample's token
 * is likewise a placeholder, run again with the token the join sample got. The rotation sample is what Secrets Manager
 * sends a rotation function; a hand-sent one names a version no {@code RotateSecret} staged, and is refused as such
 * (Lambda's error answer): the real rotation is then run through {@link LocalStack#rotateSecret}.
 */
class SampleEventsIT {
    private static final Path EVENTS = EmbeddedStack.projectFile("events");
    /** The order the samples run in: each one's data made by those before it. */
    private static final List<String> ORDER = List.of("CreateEventFunction", "ListEventsFunction", "GetEventFunction",
            "GetSeatMapFunction", "CreateBookingFunction", "ListBookingsFunction", "GetBookingFunction", "ConfirmBookingFunction",
            "CancelBookingFunction", "HoldExpiryFunction", "SeatAvailabilityFunction", "EnableWaitingRoomFunction", "JoinWaitingRoomFunction",
            "WaitingRoomStatusFunction", "WaitingRoomStatsFunction", "DisableWaitingRoomFunction", "QueuePageFunction",
            "CreatePresaleCodesFunction", "ListPresaleCodesFunction", "RedeemPresaleCodeFunction",
            "CacheStatsFunction", "OnSaleFunction", "RouteNotFoundFunction", "OpenApiFunction", "DocsPageFunction", "DocsAssetFunction",
            "RotateTokenKeysFunction");
    /** What each sample answers as it is, on a fresh stack after the samples before it. */
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("CreateEventFunction", 201), Map.entry("ListEventsFunction", 200), Map.entry("GetEventFunction", 200),
            Map.entry("GetSeatMapFunction", 200), Map.entry("CreateBookingFunction", 201), Map.entry("ListBookingsFunction", 200),
            Map.entry("GetBookingFunction", 404), Map.entry("ConfirmBookingFunction", 404), Map.entry("CancelBookingFunction", 404),
            Map.entry("EnableWaitingRoomFunction", 200), Map.entry("JoinWaitingRoomFunction", 200),
            Map.entry("WaitingRoomStatusFunction", 401), Map.entry("WaitingRoomStatsFunction", 200),
            Map.entry("DisableWaitingRoomFunction", 200), Map.entry("QueuePageFunction", 200), Map.entry("CacheStatsFunction", 200),
            Map.entry("OnSaleFunction", 200),
            Map.entry("RouteNotFoundFunction", 405), Map.entry("OpenApiFunction", 200), Map.entry("DocsPageFunction", 200),
            Map.entry("DocsAssetFunction", 200),
            // the redemption sample's code is an example: no such code (made codes are shown once, to their maker)
            Map.entry("CreatePresaleCodesFunction", 201), Map.entry("ListPresaleCodesFunction", 200),
            Map.entry("RedeemPresaleCodeFunction", 404));

    private static LocalStack stack;
    private static Template template;

    @BeforeAll
    static void start() {
        List<String> arguments = new ArrayList<>(List.of("--template", EmbeddedStack.projectFile("template.yaml").toString(),
                "--parameter-overrides"));
        EmbeddedStack.parameters().forEach((name, value) -> arguments.add(name + "=" + value));
        arguments.addAll(List.of("--invoke", "ListEventsFunction", "--event", "events/list-events.json"));
        stack = LocalStack.start(Main.parseArguments(arguments.toArray(String[]::new)));
        template = Template.load(EmbeddedStack.projectFile("template.yaml"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyFunctionHasASampleEventShapedForItsTrigger() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Template.Resource function : template.resourcesOfType(Template.SERVERLESS_FUNCTION)) {
            Path sample = sampleOf(function.logicalId());
            if (!Files.exists(sample)) {
                missing.add(function.logicalId() + " (" + EVENTS.relativize(sample) + ")");
                continue;
            }
            JsonNode event = Json.MAPPER.readTree(sample.toFile());
            if (function.properties().get("Events") == null) {
                // invoked by Secrets Manager (its rotation schedule), not by an event source
                assertTrue(event.path("SecretId").asText().startsWith("arn:aws:secretsmanager:"), sample.toString());
                assertTrue(List.of("createSecret", "setSecret", "testSecret", "finishSecret").contains(event.path("Step").asText()),
                        sample.toString());
                assertTrue(event.path("ClientRequestToken").asText().length() >= 32, sample.toString());
                continue;
            }
            Map<?, ?> trigger = (Map<?, ?>) ((Map<?, ?>) function.properties().get("Events")).values().iterator().next();
            if ("SQS".equals(trigger.get("Type"))) {
                JsonNode record = event.path("Records").path(0);
                assertEquals("aws:sqs", record.path("eventSource").asText(), sample.toString());
                assertTrue(record.path("eventSourceARN").asText().startsWith("arn:aws:sqs:"), sample.toString());
            } else if ("DynamoDB".equals(trigger.get("Type"))) {
                JsonNode record = event.path("Records").path(0);
                assertEquals("aws:dynamodb", record.path("eventSource").asText(), sample.toString());
                assertTrue(record.path("eventSourceARN").asText().matches("arn:aws:dynamodb:.*:table/.*/stream/.*"), sample.toString());
                assertTrue(record.path("dynamodb").has("SequenceNumber") && record.path("dynamodb").has("NewImage"), sample.toString());
            } else {
                assertHttpApiEvent(function.logicalId(), (Map<?, ?>) trigger.get("Properties"), event);
            }
        }
        assertEquals(List.of(), missing, "functions without a sample event");
        assertEquals(new TreeSet<>(ORDER), new TreeSet<>(template.resourcesOfType(Template.SERVERLESS_FUNCTION).stream()
                .map(Template.Resource::logicalId).toList()), "ORDER lists other functions than the template");
    }

    @Test
    void everyFunctionAnswersItsSampleThroughTheInvokePath() throws IOException {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (String function : ORDER) {
            JsonNode answer = invoke(function, Files.readString(sampleOf(function)));
            answers.put(function, answer);
            if (function.equals("RotateTokenKeysFunction")) {
                assertTrue(answer.path("errorMessage").asText().contains("has no stage for rotation"),
                        "a rotation step nobody started is refused: " + answer);
                continue;
            }
            if (function.equals("HoldExpiryFunction") || function.equals("SeatAvailabilityFunction")) {
                assertTrue(answer.path("batchItemFailures").isArray(), function + " answered no batch response: " + answer);
                assertEquals(0, answer.path("batchItemFailures").size(), function + " failed its sample: " + answer);
                continue;
            }
            int status = answer.path("statusCode").asInt();
            assertTrue(status < 500, function + " answered its sample " + status + ": " + answer);
            assertEquals(STATUS.get(function), status, function + ": " + answer.path("body").asText());
            if (status >= 400) {
                JsonNode error = Json.MAPPER.readTree(answer.path("body").asText());
                assertTrue(error.hasNonNull("error") && error.hasNonNull("detail"), function + ": " + error);
            }
        }

        // the samples naming a booking, again with the hold the create-booking sample made
        String bookingId = Json.MAPPER.readTree(answers.get("CreateBookingFunction").path("body").asText()).path("id").asText();
        assertEquals(200, invokeFor("GetBookingFunction", "booking_id", bookingId).path("statusCode").asInt());
        JsonNode confirmed = invokeFor("ConfirmBookingFunction", "booking_id", bookingId);
        assertEquals(200, confirmed.path("statusCode").asInt(), confirmed.toString());
        assertEquals("CONFIRMED", Json.MAPPER.readTree(confirmed.path("body").asText()).path("status").asText());
        JsonNode cancelled = invokeFor("CancelBookingFunction", "booking_id", bookingId);
        assertEquals(409, cancelled.path("statusCode").asInt(), "a sold booking can't be cancelled: " + cancelled);
        ObjectNode expiry = (ObjectNode) Json.MAPPER.readTree(sampleOf("HoldExpiryFunction").toFile());
        ((ObjectNode) expiry.path("Records").path(0)).put("body", "{\"booking_id\":" + bookingId + "}");
        assertEquals(0, invoke("HoldExpiryFunction", expiry.toString()).path("batchItemFailures").size());

        // the status sample, again with the queue token the join sample got
        String token = Json.MAPPER.readTree(answers.get("JoinWaitingRoomFunction").path("body").asText()).path("token").asText();
        ObjectNode status = (ObjectNode) Json.MAPPER.readTree(sampleOf("WaitingRoomStatusFunction").toFile());
        ((ObjectNode) status.path("queryStringParameters")).put("token", token);
        status.put("rawQueryString", "token=" + token);
        JsonNode checkedIn = invoke("WaitingRoomStatusFunction", status.toString());
        assertEquals(200, checkedIn.path("statusCode").asInt(), checkedIn.toString());

        // the rotation sample's secret is the stack's, and a rotation Secrets Manager starts runs its four steps
        String secret = Json.MAPPER.readTree(sampleOf("RotateTokenKeysFunction").toFile()).path("SecretId").asText();
        assertEquals(stack.physicalId("WaitingRoomSecret"), secret);
        assertTrue(stack.rotateSecret("WaitingRoomSecret").length() >= 32);

        // no function outside the cache's VPC tried the cache: on AWS its every Redis call would have timed out
        Map<String, Integer> outside = new TreeMap<>(stack.cacheConnectionsFromOutsideTheVpc());
        outside.values().removeIf(attempts -> attempts == 0);
        assertEquals(Map.of(), outside, "functions without VpcConfig that connected to the cache");
    }

    private static JsonNode invoke(String function, String event) throws IOException {
        return Json.MAPPER.readTree(Main.invoke(stack, function, event));
    }

    /** The function's sample with {@code parameter} set to {@code value} in the path. */
    private static JsonNode invokeFor(String function, String parameter, String value) throws IOException {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(sampleOf(function).toFile());
        String old = event.path("pathParameters").path(parameter).asText();
        ((ObjectNode) event.get("pathParameters")).put(parameter, value);
        event.put("rawPath", event.get("rawPath").asText().replace("/" + old, "/" + value));
        ObjectNode http = (ObjectNode) event.path("requestContext").path("http");
        http.put("path", http.get("path").asText().replace("/" + old, "/" + value));
        return invoke(function, event.toString());
    }

    private static void assertHttpApiEvent(String function, Map<?, ?> route, JsonNode event) {
        String where = "events/" + sampleOf(function).getFileName();
        assertEquals("2.0", event.path("version").asText(), where);
        String method = event.at("/requestContext/http/method").asText();
        String rawPath = event.path("rawPath").asText();
        assertEquals(rawPath, event.at("/requestContext/http/path").asText(), where);
        assertEquals(event.path("routeKey").asText(), event.at("/requestContext/routeKey").asText(), where);
        if (route == null || route.get("Path") == null) {
            assertEquals("$default", event.path("routeKey").asText(), where);
            return;
        }
        String path = String.valueOf(route.get("Path"));
        assertEquals(route.get("Method") + " " + path, event.path("routeKey").asText(), where);
        assertEquals(String.valueOf(route.get("Method")), method, where);
        // the raw path fits the route, and pathParameters hold what its {names} matched
        List<String> names = new ArrayList<>();
        String regex = "^" + Pattern.compile("\\{([^}/]+)}").matcher(path).replaceAll(match -> {
            names.add(match.group(1));
            return "([^/]+)";
        }) + "$";
        var matcher = Pattern.compile(regex).matcher(rawPath);
        assertTrue(matcher.matches(), where + ": " + rawPath + " is not a path of " + path);
        for (int i = 0; i < names.size(); i++) {
            assertEquals(matcher.group(i + 1), event.path("pathParameters").path(names.get(i)).asText(), where);
        }
        boolean authorized = !(route.get("Auth") instanceof Map<?, ?> auth && "NONE".equals(auth.get("Authorizer")));
        assertEquals(authorized, event.at("/requestContext/authorizer/jwt/claims").isObject(),
                where + ": JWT claims where the route has the authorizer, none where it has not");
    }

    static Path sampleOf(String functionLogicalId) {
        String name = functionLogicalId.replaceFirst("Function$", "").replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
        return EVENTS.resolve(name + ".json");
    }
}
