package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import dev.onsale.waitingroom.WaitingRoomService;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Creating the largest event allowed ({@code MAX_SEATS_PER_EVENT}, 100,000 seats) on the local stack: one
 * write whatever its size (a seat has no item until first held), so it answers far inside the HTTP API's
 * 30 s; and an event whose write fails is not on sale at all.
 */
@ExtendWith(EmbeddedStack.class)
class LargeEventCreationIT {
    /** API Gateway's HTTP API cuts an integration off after 30 s; an event of any size should take a moment. */
    private static final Duration WELL_INSIDE_THE_HTTP_API_TIMEOUT = Duration.ofSeconds(5);

    private final Gateway api;
    private final Config config = EmbeddedStack.config("CreateEventFunction");
    private final Redis redis = Redis.dedicated(config.redis());
    private DynamoDbClient countedDynamo;

    LargeEventCreationIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    @AfterEach
    void close() {
        if (countedDynamo != null) {
            countedDynamo.close();
        }
        redis.close();
    }

    private static String fan() {
        return "large-event-fan-" + System.nanoTime();
    }

    private CreateEventHandler handlerOn(DynamoDbClient dynamo) {
        return new CreateEventHandler(new CatalogService(new CatalogStore(() -> dynamo, config.eventsTable(), config.seatsTable()),
                new LiveSeatMap(redis), new EventCache(redis), WaitingRoomService.create(config, redis), Clock.systemUTC(), CatalogService.Settings.of(config)),
                config.admins());
    }

    private APIGatewayV2HTTPEvent creation(String body) {
        APIGatewayV2HTTPEvent request = ApiEvents.request("POST", "/api/v1/events", "/api/v1/events",
                Map.of(), Map.of(), "admin", "198.51.100.40", body);
        request.getRequestContext().getAuthorizer().getJwt().setClaims(Map.of("sub", "admin-" + System.nanoTime(),
                "cognito:groups", "[" + config.adminGroup() + "]"));
        return request;
    }

    @Test
    void aHundredThousandSeatEventIsOneWriteAndEverySeatIsAvailable() throws Exception {
        CallCounter calls = new CallCounter();
        countedDynamo = Stacks.dynamoDb(config, calls);
        long start = System.nanoTime();
        APIGatewayV2HTTPResponse created = handlerOn(countedDynamo).handleRequest(creation(Events.stadium("Hundred thousand", 200)), null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(201, created.getStatusCode(), created.getBody());
        assertTrue(took.compareTo(WELL_INSIDE_THE_HTTP_API_TIMEOUT) < 0, "answered after " + took.toMillis() + " ms");
        assertEquals(1, calls.count("PutItem"), "the event");
        assertEquals(1, calls.count("UpdateItem"), "its id");
        assertEquals(0, calls.count("BatchWriteItem"), "no seat items");
        JsonNode event = dev.onsale.platform.Json.MAPPER.readTree(created.getBody());
        long id = event.get("id").asLong();
        assertEquals(100_000, event.get("total_seats").asInt());

        Gateway.Reply map = api.get("/api/v1/events/" + id + "/seats?format=compact&user_id=" + fan());
        assertEquals(200, map.status(), map.body());
        assertEquals(100_000, map.json().get("available_seats").asInt());
        Gateway.Reply hold = api.post("/api/v1/bookings?user_id=" + fan(), "{\"event_id\": " + id + ", \"seat_ids\": [99999, 100000]}");
        assertEquals(201, hold.status(), "a seat never held before is held (its item written then): " + hold.body());
    }

    /** Fails the event's write as a lost connection would; notes the event id the creation took. */
    static final class EventWriteFails implements ExecutionInterceptor {
        final AtomicLong eventId = new AtomicLong();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ("PutItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                throw SdkClientException.create("DynamoDB unreachable (injected)");
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.response() instanceof UpdateItemResponse counter && counter.hasAttributes()) {
                eventId.set(Long.parseLong(counter.attributes().get("lastEventId").n()));
            }
        }
    }

    @Test
    void aCreationWhoseWriteFailsLeavesNoEventAndARetryCreatesIt() {
        EventWriteFails failure = new EventWriteFails();
        countedDynamo = Stacks.dynamoDb(config, failure);
        String body = Events.concert("Never written", 20);

        APIGatewayV2HTTPResponse refused = handlerOn(countedDynamo).handleRequest(creation(body), null);

        assertEquals(503, refused.getStatusCode(), refused.getBody());
        long id = failure.eventId.get();
        assertNotEquals(0, id, "the creation took an event id");
        assertEquals(404, api.get("/api/v1/events/" + id).status());
        assertEquals(404, api.get("/api/v1/events/" + id + "/seats?user_id=" + fan()).status());
        api.get("/api/v1/events").json().get("events").forEach(event -> assertNotEquals(id, event.get("id").asLong(), "not listed"));
        Gateway.Reply hold = api.post("/api/v1/bookings?user_id=" + fan(), "{\"event_id\": " + id + ", \"seat_ids\": [1]}");
        assertEquals(404, hold.status(), "nothing of it can be held: " + hold.body());

        Gateway.Reply retried = api.post("/api/v1/events", body);
        assertEquals(201, retried.status(), retried.body());
        assertNotEquals(id, retried.json().get("id").asLong(), "a retry takes a new id");
    }
}
