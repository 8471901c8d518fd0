package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import dev.onsale.waitingroom.WaitingRoomService;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The live seat map on the real DynamoDB Local and redis-server: single-flight rebuilds, changes applied
 * by version, lapsed holds, and an unchanged map served from the instance's copy.
 */
@ExtendWith(EmbeddedStack.class)
class LiveSeatMapIT {
    private static final SeatMapView.Form COMPACT = new SeatMapView.Form(SeatMapView.Format.COMPACT, Optional.empty(), false);

    private final Gateway api;
    private final Config config = EmbeddedStack.config("GetSeatMapFunction");
    private final CallCounter calls = new CallCounter();
    private final DynamoDbClient countedDynamo;
    private final Redis redis = Redis.dedicated(config.redis());
    private final LiveSeatMap liveMaps = new LiveSeatMap(redis);
    private final CatalogService catalog;
    private final SeatAvailabilityHandler stream = new SeatAvailabilityHandler(liveMaps, java.time.Duration.ofSeconds(2));

    LiveSeatMapIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
        this.countedDynamo = Stacks.dynamoDb(config, calls);
        this.catalog = new CatalogService(
                new CatalogStore(() -> countedDynamo, config.eventsTable(), config.seatsTable()),
                liveMaps, new EventCache(redis), WaitingRoomService.create(config, redis), Clock.systemUTC(), CatalogService.Settings.of(config));
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

    private CatalogService.SeatMapResult read(long eventId) {
        return catalog.seatMap(new CatalogService.SeatMapQuery(eventId, COMPACT, Optional.empty()), Optional.empty());
    }

    private String floor(long eventId) throws IOException {
        var found = assertInstanceOf(CatalogService.SeatMapResult.Found.class, read(eventId));
        return Json.MAPPER.readTree(found.body()).get("sections").get(0).get("seats").asText();
    }

    /** A stream record of the seat's item, as the seats table's stream carries it (NEW_IMAGE). */
    private static JsonNode record(long eventId, int seatId, long version, String status, long holdExpiresAt, String sequenceNumber) {
        var image = Json.MAPPER.createObjectNode();
        image.putObject("seatBlock").put("S", CatalogStore.seatBlock(eventId, seatId));
        image.putObject("seatId").put("N", Integer.toString(seatId));
        image.putObject("status").put("S", status);
        image.putObject("version").put("N", Long.toString(version));
        if (holdExpiresAt > 0) {
            image.putObject("holdExpiresAt").put("N", Long.toString(holdExpiresAt));
        }
        var record = Json.MAPPER.createObjectNode().put("eventName", "MODIFY");
        record.putObject("dynamodb").put("SequenceNumber", sequenceNumber).set("NewImage", image);
        return record;
    }

    private List<String> apply(JsonNode... records) {
        ArrayNode batch = Json.MAPPER.createArrayNode();
        for (JsonNode record : records) {
            batch.add(record);
        }
        return stream.apply(batch);
    }

    @Test
    void concurrentMissesReadTheTableOnce() throws Exception {
        long eventId = createEvent("Single flight", 20); // 1,200 seats: 6 blocks of the seats table
        calls.reset();
        int callers = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CatalogService.SeatMapResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return read(eventId);
                }));
            }
            start.countDown();
            for (Future<CatalogService.SeatMapResult> result : results) {
                var found = assertInstanceOf(CatalogService.SeatMapResult.Found.class, result.get());
                assertEquals(1_200, Json.MAPPER.readTree(found.body()).get("available_seats").asInt());
            }
        }
        assertEquals(1, calls.count("GetItem"), "one caller reads the event");
        assertEquals(6, calls.count("Query"), "one caller reads each block of seats once");
    }

    @Test
    void anUnknownEventIsReadOnceThenRemembered() {
        calls.reset();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(CatalogService.SeatMapResult.UnknownEvent.class, read(888_888));
        }
        assertEquals(1, calls.count("GetItem"));
    }

    @Test
    void anUnchangedMapIsServedFromTheInstancesCopyWithoutReadingTheTable() throws IOException {
        long eventId = createEvent("Warm", 1);
        floor(eventId);
        floor(eventId);
        calls.reset();
        var found = assertInstanceOf(CatalogService.SeatMapResult.Found.class, read(eventId));
        assertEquals("HIT", found.cache());
        assertEquals(0, calls.count("GetItem") + calls.count("Query"));
        var notModified = catalog.seatMap(new CatalogService.SeatMapQuery(eventId, COMPACT, Optional.of(found.version())), Optional.empty());
        assertInstanceOf(CatalogService.SeatMapResult.NotModified.class, notModified);
    }

    @Test
    void aChangeShowsAndItsVersionOrdersItAgainstLateAndDuplicateRecords() throws IOException {
        long eventId = createEvent("Ordering", 1);
        floor(eventId);
        assertEquals(List.of(), apply(record(eventId, 5, 2, "SOLD", 0, "2")));
        String sold = floor(eventId);
        assertEquals('S', sold.charAt(4));
        String versionAfterSale = ((CatalogService.SeatMapResult.Found) read(eventId)).version();

        assertEquals(List.of(), apply(record(eventId, 5, 1, "HELD", System.currentTimeMillis() + 60_000, "1"),
                record(eventId, 5, 2, "SOLD", 0, "2")));
        assertEquals('S', floor(eventId).charAt(4), "a late and a duplicate record leave the newest state");
        assertEquals(versionAfterSale, ((CatalogService.SeatMapResult.Found) read(eventId)).version(), "and change nothing");
    }

    @Test
    void aLapsedHoldShowsAvailableWithoutAnyWrite() throws Exception {
        long eventId = createEvent("Lapse", 1);
        floor(eventId);
        apply(record(eventId, 7, 1, "HELD", System.currentTimeMillis() + 300, "1"));
        assertEquals('H', floor(eventId).charAt(6));
        Thread.sleep(400);
        assertEquals('A', floor(eventId).charAt(6), "the hold lapsed: no expiry ran, nothing was written to the table");
    }

    @Test
    void aRebuildAfterTheMapIsLostKeepsWhatTheStreamAppliedMeanwhile() throws IOException {
        long eventId = createEvent("Lost", 1);
        String before = ((CatalogService.SeatMapResult.Found) read(eventId)).version();
        redis.sync().del(CatalogKeys.seatMap(eventId), CatalogKeys.seatStates(eventId), CatalogKeys.seatVersions(eventId),
                CatalogKeys.liveHolds(eventId));
        // a sale reached the map through the stream while it was missing; the table read below still says AVAILABLE
        apply(record(eventId, 3, 4, "SOLD", 0, "9"));
        calls.reset();
        read(eventId); // rebuilds
        assertEquals(2, calls.count("Query"), "the seats were read again, once per block of 200");
        String after = floor(eventId);
        assertEquals('S', after.charAt(2), "the stream's newer change was kept");
        assertEquals('A', after.charAt(3));
        assertNotEquals(before, ((CatalogService.SeatMapResult.Found) read(eventId)).version(), "a new generation");
    }

    @Test
    void aRecordThatIsNotASeatIsSkippedAndTheRestApplied() throws IOException {
        long eventId = createEvent("Unreadable", 1);
        floor(eventId);
        var unreadable = Json.MAPPER.createObjectNode().put("eventName", "MODIFY");
        unreadable.putObject("dynamodb").put("SequenceNumber", "5").putObject("NewImage").putObject("seatId").put("S", "x");
        assertEquals(List.of(), apply(record(eventId, 1, 1, "SOLD", 0, "4"), unreadable, record(eventId, 2, 1, "SOLD", 0, "6")),
                "no retry could make it readable: not reported");
        String floor = floor(eventId);
        assertTrue(floor.startsWith("SS"), "the records around it were applied: " + floor);
    }

    @Test
    void theChangesOfAMapThatCannotBeWrittenAreReportedAndTheOthersApplied() throws IOException {
        long broken = createEvent("Broken map", 1);
        long healthy = createEvent("Healthy map", 1);
        floor(healthy);
        redis.sync().del(CatalogKeys.seatStates(broken));
        redis.sync().hset(CatalogKeys.seatStates(broken), "not", "a string");
        assertEquals(List.of("11", "13"), apply(record(broken, 1, 1, "SOLD", 0, "11"), record(healthy, 1, 1, "SOLD", 0, "12"),
                record(broken, 2, 1, "SOLD", 0, "13")));
        assertEquals('S', floor(healthy).charAt(0));
    }
}
