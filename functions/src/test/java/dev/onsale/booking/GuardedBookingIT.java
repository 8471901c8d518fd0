package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.catalog.CatalogService;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The hold handler with its real guards on the real stand-ins: a refused hold makes no DynamoDB call,
 * and holds refused because their seats were taken are counted until the failed-hold rule trips.
 */
@ExtendWith(EmbeddedStack.class)
class GuardedBookingIT {
    private final Gateway api;
    private final Map<String, String> environment;
    private final CallCounter calls = new CallCounter();
    private final Redis redis;
    private DynamoDbClient countedDynamo;

    GuardedBookingIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
        this.environment = stack.functionEnvironment("CreateBookingFunction");
        this.redis = Redis.dedicated(Config.from(environment::get).redis());
    }

    @AfterEach
    void close() {
        if (countedDynamo != null) {
            countedDynamo.close();
        }
        redis.close();
    }

    /** The function's handler as the template configures it, with {@code overrides} of its environment. */
    private CreateBookingHandler handler(Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.putAll(overrides);
        Config config = Config.from(variables::get);
        countedDynamo = Stacks.dynamoDb(config, calls);
        BookingService bookings = new BookingService(
                new BookingStore(() -> countedDynamo, config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config), new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(), BookingService.Settings.of(config));
        return new CreateBookingHandler(bookings,
                Guards.of(config, SurgeProtection.of(config).createBooking(CreateBookingHandler::isFailedHold)), config.admins());
    }

    private long newEvent() {
        return api.post("/api/v1/events", Events.concert("Guarded holds", 1)).json().get("id").asLong();
    }

    private static APIGatewayV2HTTPEvent hold(String user, long eventId, String seats) {
        return ApiEvents.request("POST", "/api/v1/bookings", "/api/v1/bookings", Map.of(), Map.of(), user, "198.51.100.41",
                "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seats + "]}");
    }

    @Test
    void holdsFasterThanAPersonTripThePaceRuleAndTheRefusedOnesMakeNoDynamoDbCall() {
        // a person is taken to need 2 s between holds here (500 ms in the template), so a slow machine cannot pass for one
        CreateBookingHandler handler = handler(Map.of("BOT_HUMAN_INTERVAL_MS", "2000"));
        long eventId = newEvent();
        handler.handleRequest(hold("warm-" + System.nanoTime(), eventId, "50"), null); // a cold first call is slow
        String user = "pacer-" + System.nanoTime();
        for (int i = 1; i <= 5; i++) { // 5 holds in a row may come faster than that
            int status = handler.handleRequest(hold(user, eventId, Integer.toString(i)), null).getStatusCode();
            assertTrue(status == 201 || status == 409, "hold " + i + " was served (held, or over the 2 live holds): " + status);
        }
        calls.reset();
        APIGatewayV2HTTPResponse refused = handler.handleRequest(hold(user, eventId, "10"), null);
        assertEquals(429, refused.getStatusCode(), refused.getBody());
        assertTrue(refused.getBody().contains("faster than a person"), refused.getBody());
        assertEquals("60", refused.getHeaders().get("retry-after"));
        assertEquals(0, calls.count("TransactWriteItems") + calls.count("GetItem") + calls.count("Query")
                + calls.count("BatchGetItem") + calls.count("PutItem") + calls.count("UpdateItem"), "no DynamoDB call");
    }

    @Test
    void holdsOnTakenSeatsAreCountedUntilTheFailedHoldRuleTrips() {
        CreateBookingHandler handler = handler(Map.of("BOT_FAILED_HOLDS", "2", "BOT_HUMAN_INTERVAL_MS", "1"));
        long eventId = newEvent();
        assertEquals(201, handler.handleRequest(hold("first-" + System.nanoTime(), eventId, "1"), null).getStatusCode());
        String user = "guesser-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            APIGatewayV2HTTPResponse taken = handler.handleRequest(hold(user, eventId, "1"), null);
            assertEquals(409, taken.getStatusCode(), taken.getBody());
            assertTrue(taken.getBody().contains("seats_unavailable"));
            assertEquals("\"booking\";q=10;w=60, \"booking-ip\";q=600;w=60", taken.getHeaders().get("ratelimit-policy"));
        }
        assertEquals("3", redis.sync().get("antibot:failed_holds:user:{" + user + "}"));

        calls.reset();
        APIGatewayV2HTTPResponse refused = handler.handleRequest(hold(user, eventId, "2"), null);
        assertEquals(429, refused.getStatusCode(), refused.getBody());
        assertTrue(refused.getBody().contains("cooling_off") && refused.getBody().contains("already taken"), refused.getBody());
        assertEquals(0, calls.count("TransactWriteItems"), "the free seat was not even tried");
    }
}
