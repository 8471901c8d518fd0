package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The seat-map cache's single flight and freshness, on the real DynamoDB Local and redis-server. */
@ExtendWith(EmbeddedStack.class)
class SeatMapCacheIT {
    private final LocalStack stack;
    private final Gateway api;
    private final Config config = EmbeddedStack.config("GetSeatMapFunction");
    private final CallCounter calls = new CallCounter();
    private final DynamoDbClient countedDynamo;
    private final Redis redis = Redis.dedicated(config.redis());
    private final CatalogService catalog;

    SeatMapCacheIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
        this.countedDynamo = Stacks.dynamoDb(config, calls);
        this.catalog = new CatalogService(
                new CatalogStore(() -> countedDynamo, config.eventsTable(), config.seatsTable()),
                new SeatMapCache(redis), new EventCache(redis), Clock.systemUTC(), CatalogService.Settings.of(config));
    }

    @AfterEach
    void close() {
        countedDynamo.close();
        redis.close();
    }

    private long createEvent(String name, int floorRows) {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert(name, floorRows));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    @Test
    void concurrentMissesReadTheTableOnce() throws Exception {
        long eventId = createEvent("Single flight", 20); // 1,200 seats: 6 blocks of the seats table
        int callers = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CatalogService.SeatMapResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return catalog.seatMap(eventId, SeatMapView.Format.FULL, false, Optional.empty());
                }));
            }
            start.countDown();
            String etag = null;
            for (Future<CatalogService.SeatMapResult> result : results) {
                var found = assertInstanceOf(CatalogService.SeatMapResult.Found.class, result.get());
                etag = etag == null ? found.etag() : etag;
                assertEquals(etag, found.etag());
            }
        }
        assertEquals(1, calls.count("GetItem"), "one caller reads the event");
        assertEquals(6, calls.count("Query"), "one caller reads each block of seats once");
    }

    @Test
    void aSeatSoldBehindTheCachesBackShowsWithinASecond() throws IOException {
        long eventId = createEvent("Freshness", 1);
        // each poll is another fan: one fan polling this fast would rightly be rate limited
        String path = "/api/v1/events/" + eventId + "/seats?format=compact&user_id=freshness-";
        int poll = 0;
        assertEquals('A', api.get(path + poll++).json().get("sections").get(0).get("seats").asText().charAt(4));

        stack.dynamoDb().updateItem(b -> b.tableName(config.seatsTable())
                .key(CatalogStore.seatKey(eventId, 5))
                .updateExpression("SET #s = :sold")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":sold", AttributeValue.fromS("SOLD"))));
        long changedAt = System.nanoTime();
        while (true) {
            JsonNode map = Json.MAPPER.readTree(api.get(path + poll++).bytes());
            if (map.get("sections").get(0).get("seats").asText().charAt(4) == 'S') {
                break;
            }
            assertTrue(System.nanoTime() - changedAt < 1_500_000_000L, "the sale did not show within 1.5 s");
            sleep(25);
        }
        long shownAfterMs = (System.nanoTime() - changedAt) / 1_000_000;
        assertTrue(shownAfterMs <= 1_000 + 100, "shown after " + shownAfterMs + " ms");
    }

    @Test
    void anUnknownEventIsReadOnceThenRemembered() {
        calls.reset();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(CatalogService.SeatMapResult.UnknownEvent.class,
                    catalog.seatMap(888_888, SeatMapView.Format.FULL, false, Optional.empty()));
        }
        assertEquals(1, calls.count("GetItem"));
    }

    @Test
    void aFreshMapIsServedFromRedisWithoutReadingTheTable() {
        long eventId = createEvent("Warm", 1);
        catalog.seatMap(eventId, SeatMapView.Format.COMPACT, false, Optional.empty());
        calls.reset();
        var found = assertInstanceOf(CatalogService.SeatMapResult.Found.class,
                catalog.seatMap(eventId, SeatMapView.Format.COMPACT, true, Optional.empty()));
        assertEquals("HIT", found.cache());
        assertEquals(0, calls.count("GetItem") + calls.count("Query"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
