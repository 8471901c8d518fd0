package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import dev.onsale.waitingroom.WaitingRoomService;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The seat-map handler with its real guards: a refused request reads neither DynamoDB nor the seat-map cache. */
@ExtendWith(EmbeddedStack.class)
class GuardedSeatMapIT {
    private final Gateway api;
    private final Config config = EmbeddedStack.config("GetSeatMapFunction");
    private final CallCounter calls = new CallCounter();
    private final DynamoDbClient countedDynamo = Stacks.dynamoDb(config, calls);
    private final Redis redis = Redis.dedicated(config.redis());
    private final GetSeatMapHandler handler;

    GuardedSeatMapIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
        CatalogService catalog = new CatalogService(new CatalogStore(() -> countedDynamo, config.eventsTable(), config.seatsTable()),
                new LiveSeatMap(redis), new EventCache(redis), WaitingRoomService.create(config, redis), Clock.systemUTC(), CatalogService.Settings.of(config));
        this.handler = new GetSeatMapHandler(catalog, Guards.of(config, SurgeProtection.of(config).seatMap()), config.admins());
    }

    @AfterEach
    void close() {
        countedDynamo.close();
        redis.close();
    }

    private long newEvent() {
        return api.post("/api/v1/events", Events.concert("Guarded map", 1)).json().get("id").asLong();
    }

    private static APIGatewayV2HTTPEvent seatMap(long eventId, String user) {
        return ApiEvents.request("GET", "/api/v1/events/{event_id}/seats", "/api/v1/events/" + eventId + "/seats",
                Map.of("event_id", Long.toString(eventId)), Map.of("format", "compact"), user, "198.51.100.31", null);
    }

    @Test
    void aRefusedRequestTouchesNeitherDynamoDbNorTheSeatMapCache() {
        long browsed = newEvent();
        long untouched = newEvent();
        String user = "guarded-map-" + System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, handler.handleRequest(seatMap(browsed, user), null).getStatusCode());
        }
        calls.reset();

        APIGatewayV2HTTPResponse refused = handler.handleRequest(seatMap(untouched, user), null);
        assertEquals(429, refused.getStatusCode(), refused.getBody());
        assertTrue(refused.getBody().contains("rate_limit_exceeded"));
        assertEquals(0, calls.count("GetItem") + calls.count("Query"), "no DynamoDB read");
        assertEquals(0, redis.sync().exists(CatalogKeys.seatMap(untouched), CatalogKeys.event(untouched), CatalogKeys.seatMapRebuild(untouched)),
                "no seat-map cache read or rebuild");

        APIGatewayV2HTTPResponse served = handler.handleRequest(seatMap(untouched, user + "-friend"), null);
        assertEquals(200, served.getStatusCode(), "another fan's request does the work the refused one did not");
        assertTrue(calls.count("Query") > 0);
        assertEquals(1, redis.sync().exists(CatalogKeys.seatMap(untouched)));
    }
}
