package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.booking.HoldExpiryHandler;
import dev.onsale.catalog.GetSeatMapHandler;
import dev.onsale.catalog.ListEventsHandler;
import dev.onsale.http.ApiHandler;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.Template;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.waitingroom.TokenKeyRing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SnapStart's hooks on the real stack: what a function does before its snapshot and after a restore. */
@ExtendWith(EmbeddedStack.class)
class SnapStartIT {
    private final LocalStack stack;
    private final Gateway api;

    SnapStartIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    @Test
    void checkpointThenRestoreLeavesAWorkingHandlerOnANewRedisConnection() throws Exception {
        long eventId = api.post("/api/v1/events", Events.concert("SnapStart", 1)).json().get("id").asLong();
        GetSeatMapHandler handler = construct("GetSeatMapFunction", GetSeatMapHandler::new);
        assertEquals(200, seatMap(handler, eventId).getStatusCode());
        Redis redis = Redis.shared(EmbeddedStack.config("GetSeatMapFunction").redis());
        long before = redis.sync().clientId();

        handler.snapStart().beforeCheckpoint(null);
        assertFalse(connectedClientIds().contains(before), "the connection open before the checkpoint is closed");

        handler.snapStart().afterRestore(null);
        List<Long> afterRestore = connectedClientIds();
        long after = redis.sync().clientId();
        assertNotEquals(before, after);
        assertTrue(afterRestore.contains(after), "the restore opened the new connection before any request");
        assertEquals(200, seatMap(handler, eventId).getStatusCode());
    }

    @Test
    void aRestoreOpensOnlyTheConnectionsTheCheckpointClosed() throws Exception {
        // outside the cache's VPC: a function that never needs Redis, though its services know where it is
        ListEventsHandler handler = construct("ListEventsFunction", ListEventsHandler::new);
        Redis.shared(EmbeddedStack.config("ListEventsFunction").redis()); // as a service made at init would
        int before = stack.cacheConnectionsFromOutsideTheVpc().get("ListEventsFunction");

        handler.snapStart().beforeCheckpoint(null);
        handler.snapStart().afterRestore(null);

        assertEquals(before, stack.cacheConnectionsFromOutsideTheVpc().get("ListEventsFunction"),
                "a restore that connects a client nobody used waits out its connect timeout (outside the VPC, on every cold start)");
    }

    @Test
    void aRestoreReadsTheTokenKeysAgainBeforeAnyRequest() throws Exception {
        GetSeatMapHandler handler = construct("GetSeatMapFunction", GetSeatMapHandler::new);
        // a ring of its own (the endpoint by another name) that would not read again for an hour by itself
        Map<String, String> environment = new HashMap<>(stack.functionEnvironment("GetSeatMapFunction"));
        environment.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", stack.secretsManagerEndpoint().toString().replace("127.0.0.1", "localhost"));
        environment.put("WAITING_ROOM_KEYS_REFRESH_SECONDS", "3600");
        TokenKeyRing ring = TokenKeyRing.shared(Config.from(environment::get));
        long before = ring.keys().current().id();

        stack.rotateSecret("WaitingRoomSecret");
        assertEquals(before, ring.keys().current().id(), "an hour's refresh age: not read again by itself");
        handler.snapStart().afterRestore(null);
        assertEquals(before + 1, ring.keys().current().id(), "read again by the restore hook");
    }

    @Test
    void primingEveryFunctionWritesNothingToDynamoDbNorSqsNorTheKeysSecret() throws Exception {
        List<Object> handlers = new ArrayList<>();
        for (Template.Resource function : stack.template().resourcesOfType(Template.SERVERLESS_FUNCTION)) {
            String className = ((String) function.properties().get("Handler")).replace("::handleRequest", "");
            handlers.add(construct(function.logicalId(), () -> Class.forName(className).getConstructor().newInstance()));
        }
        assertTrue(handlers.size() >= 18, "every function of the template: " + handlers.size());
        stack.pausePollers(); // no expiry message may change a table while they are compared
        try {
            Map<String, List<Map<String, AttributeValue>>> tablesBefore = tables();
            String queuedBefore = holdExpiryQueue();
            Map<String, List<String>> keysBefore = keyVersions();
            for (Object handler : handlers) {
                SnapStart hooks = ((SnapStart.Hooked) handler).snapStart();
                hooks.beforeCheckpoint(null);
                hooks.afterRestore(null);
            }
            assertEquals(tablesBefore, tables());
            assertEquals(queuedBefore, holdExpiryQueue());
            assertEquals(keysBefore, keyVersions(), "no version of the token keys made or moved");
            assertFalse(Redis.shared(EmbeddedStack.config("GetSeatMapFunction").redis()).sync().keys("*snapstart-primer*").isEmpty(),
                    "the priming requests went through the routes' guards");
        } finally {
            stack.resumePollers();
        }
    }

    private APIGatewayV2HTTPResponse seatMap(GetSeatMapHandler handler, long eventId) {
        APIGatewayV2HTTPEvent event = ApiEvents.request("GET", "/api/v1/events/{event_id}/seats",
                "/api/v1/events/" + eventId + "/seats", Map.of("event_id", String.valueOf(eventId)),
                Map.of("format", "compact"), "snapstart-it", "198.51.100.7", null);
        return handler.handleRequest(event, null);
    }

    /** Every connection the test stack's redis-server has open, by client id. */
    private List<Long> connectedClientIds() {
        Redis observer = Redis.dedicated(EmbeddedStack.config("GetSeatMapFunction").redis());
        try {
            return observer.sync().clientList().lines()
                    .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id="))))
                    .map(Long::parseLong)
                    .toList();
        } finally {
            observer.close();
        }
    }

    /** Every item of every table, sorted: equal before and after means nothing was written. */
    private Map<String, List<Map<String, AttributeValue>>> tables() {
        Map<String, List<Map<String, AttributeValue>>> tables = new HashMap<>();
        for (Template.Resource table : stack.template().resourcesOfType(Template.DYNAMODB_TABLE)) {
            String name = stack.physicalId(table.logicalId());
            tables.put(name, stack.dynamoDb().scanPaginator(b -> b.tableName(name)).items().stream()
                    .sorted(Comparator.comparing(Map::toString))
                    .toList());
        }
        return tables;
    }

    private Map<String, List<String>> keyVersions() {
        String arn = stack.physicalId("WaitingRoomSecret");
        return AwsClients.secretsManager(EmbeddedStack.config("RotateTokenKeysFunction")).get()
                .describeSecret(describe -> describe.secretId(arn)).versionIdsToStages();
    }

    private String holdExpiryQueue() {
        String url = EmbeddedStack.config("HoldExpiryFunction").holdExpiryQueueUrl();
        return stack.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(Object::toString)
                .collect(Collectors.joining(","));
    }

    /** Builds a handler with its no-arg constructor, as Lambda does, seeing the function's environment. */
    private <T> T construct(String functionLogicalId, Callable<T> constructor) throws Exception {
        Map<String, String> environment = stack.functionEnvironment(functionLogicalId);
        environment.forEach((name, value) -> System.setProperty(Environment.LOCAL_PREFIX + name, value));
        try {
            return constructor.call();
        } finally {
            environment.keySet().forEach(name -> System.clearProperty(Environment.LOCAL_PREFIX + name));
        }
    }
}
