package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.booking.BookingService;
import dev.onsale.booking.BookingStore;
import dev.onsale.booking.HoldExpiryQueue;
import dev.onsale.booking.HoldRequest;
import dev.onsale.booking.Payments;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every writer reaches the seat map through the seats table's stream, on the real local stack: its
 * DynamoDB stream event source mapping invokes the availability function with the records DynamoDB Local
 * serves. Each test has its own event; every read is a new fan, so no limit is reached.
 */
@ExtendWith(EmbeddedStack.class)
class SeatMapStreamIT {
    private static final AtomicInteger FANS = new AtomicInteger();
    private static final Duration SHOWS_WITHIN = Duration.ofSeconds(3);

    private final LocalStack stack;
    private final Gateway api;
    private final Config config = EmbeddedStack.adminConfig("CreateBookingFunction"); // reads the table, and holds and expires in one service
    private final Redis redis = Redis.dedicated(config.redis());
    /** Readers spread over addresses of their own, so the per-address seat-map limit never answers for them. */
    private final List<Gateway> readers = new ArrayList<>();

    SeatMapStreamIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
        for (int i = 1; i <= 32; i++) {
            readers.add(new Gateway(stack.gatewayUrl(), "127.31.0." + i));
        }
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private long newEvent(int floorRows) {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert("Stream", floorRows));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    /** Every seat's letter, seat 1 first, as a new fan reads the compact map. */
    private String map(long eventId) throws IOException {
        int fan = FANS.incrementAndGet();
        Gateway.Reply reply = readers.get(fan % readers.size()).get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=stream-fan-" + fan);
        assertEquals(200, reply.status(), reply.body());
        StringBuilder seats = new StringBuilder();
        for (JsonNode section : Json.MAPPER.readTree(reply.bytes()).get("sections")) {
            seats.append(section.get("seats").asText());
        }
        return seats.toString();
    }

    private String awaitMap(long eventId, Predicate<String> shown, String what) throws Exception {
        long deadline = System.nanoTime() + SHOWS_WITHIN.toNanos();
        String seats;
        while (!shown.test(seats = map(eventId))) {
            assertTrue(System.nanoTime() < deadline, what + " did not show within " + SHOWS_WITHIN + ": " + seats);
            Thread.sleep(25);
        }
        return seats;
    }

    private static Predicate<String> seat(int seatId, char state) {
        return seats -> seats.charAt(seatId - 1) == state;
    }

    private long hold(String user, long eventId, String seats) {
        Gateway.Reply reply = api.post("/api/v1/bookings?user_id=" + user, "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seats + "]}");
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    @Test
    void aHoldAConfirmAndACancelEachShowThroughTheStream() throws Exception {
        long eventId = newEvent(1);
        assertEquals('A', map(eventId).charAt(0));

        long sold = hold("stream-buyer", eventId, "1, 2");
        awaitMap(eventId, seat(1, 'H').and(seat(2, 'H')), "the hold");
        assertEquals(200, api.post("/api/v1/bookings/" + sold + "/confirm?user_id=stream-buyer", "").status());
        awaitMap(eventId, seat(1, 'S').and(seat(2, 'S')), "the sale");

        long cancelled = hold("stream-canceller", eventId, "3");
        awaitMap(eventId, seat(3, 'H'), "the second hold");
        assertEquals(200, api.post("/api/v1/bookings/" + cancelled + "/cancel?user_id=stream-canceller", "").status());
        awaitMap(eventId, seat(3, 'A'), "the cancel");
    }

    @Test
    void aSeatsFirstHoldWritesItsItemAndShowsLikeAnyChange() throws Exception {
        long eventId = newEvent(1);
        assertEquals('A', map(eventId).charAt(11));
        assertEquals(null, item(eventId, 12), "a seat never held has no item");
        hold("first-holder", eventId, "12");
        awaitMap(eventId, seat(12, 'H'), "the first hold (an INSERT on the stream)");
    }

    @Test
    void theExpiryFunctionsWriteReachesTheMapToo() throws Exception {
        long eventId = newEvent(1);
        map(eventId);
        BookingService bookings = new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config), new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(Duration.ofSeconds(2)));
        assertInstanceOf(BookingService.HoldOutcome.Held.class,
                bookings.hold("stream-expiring", new HoldRequest(eventId, List.of(4L)), Optional.empty()));
        awaitMap(eventId, seat(4, 'H'), "the hold");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!"AVAILABLE".equals(item(eventId, 4).get("status").s())) {
            assertTrue(System.nanoTime() < deadline, "the expiry function did not run within 15 s");
            Thread.sleep(100);
        }
        long version = Long.parseLong(item(eventId, 4).get("version").n());
        deadline = System.nanoTime() + SHOWS_WITHIN.toNanos();
        while (mapVersionOf(eventId, 4) != version) {
            assertTrue(System.nanoTime() < deadline, "the expiry's write (version " + version + ") did not reach the map: "
                    + mapVersionOf(eventId, 4));
            Thread.sleep(25);
        }
        assertEquals('A', map(eventId).charAt(3));
    }

    @Test
    void aSeatWrittenBehindEveryonesBackShowsWithinASecond() throws Exception {
        long eventId = newEvent(1);
        assertEquals('A', map(eventId).charAt(4));
        stack.dynamoDb().updateItem(b -> b.tableName(config.seatsTable()).key(CatalogStore.seatKey(eventId, 5))
                .updateExpression("SET #s = :sold").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":sold", AttributeValue.fromS("SOLD"))));
        long changedAt = System.nanoTime();
        awaitMap(eventId, seat(5, 'S'), "a write that did not even count the seat's version");
        long shownAfterMs = (System.nanoTime() - changedAt) / 1_000_000;
        assertTrue(shownAfterMs <= 1_000, "shown after " + shownAfterMs + " ms");
    }

    @Test
    void afterAFlushallUnderLoadTheMapComesBackWithNothingLostOrStale() throws Exception {
        long eventId = newEvent(2); // 300 seats
        map(eventId);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger holds = new AtomicInteger();
        List<Future<?>> load = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (int worker = 0; worker < 3; worker++) {
                int w = worker;
                Gateway buyers = new Gateway(stack.gatewayUrl(), "127.32.0." + (w + 1));
                load.add(pool.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String user = "flush-" + w + "-" + i;
                        int seatId = ThreadLocalRandom.current().nextInt(1, 301);
                        Gateway.Reply held = buyers.post("/api/v1/bookings?user_id=" + user,
                                "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seatId + "]}");
                        if (held.status() == 201) {
                            holds.incrementAndGet();
                            String change = i % 2 == 0 ? "confirm" : "cancel";
                            buyers.post("/api/v1/bookings/" + held.json().get("id").asLong() + "/" + change + "?user_id=" + user, "");
                        }
                    }
                    return null;
                }));
                load.add(pool.submit(() -> {
                    while (running.get()) {
                        map(eventId);
                        Thread.sleep(10);
                    }
                    return null;
                }));
            }
            Thread.sleep(1_500);
            redis.sync().flushall();
            Thread.sleep(1_500);
            running.set(false);
            for (Future<?> worker : load) {
                worker.get();
            }
        }
        assertTrue(holds.get() > 10, "the load made holds: " + holds.get());
        String expected = tableMap(eventId);
        String shown = awaitMap(eventId, expected::equals, "the table's state");
        assertEquals(expected, shown);
    }

    @Test
    void changesAMapCannotTakeReachTheOnFailureQueueAndTheRestOfTheBatchIsApplied() throws Exception {
        long broken = newEvent(1);
        long healthy = newEvent(1);
        map(broken);
        map(healthy);
        String failures = stack.physicalId("SeatChangesDeadLetterQueue");
        stack.sqs().purgeQueue(b -> b.queueUrl(failures));
        // the broken event's map can no longer be written: every apply of its changes fails in Redis
        redis.sync().del(CatalogKeys.seatStates(broken));
        redis.sync().hset(CatalogKeys.seatStates(broken), "not", "a string");
        // one transaction: both seats' records travel together, in one batch
        stack.dynamoDb().transactWriteItems(b -> b.transactItems(
                soldBehindTheBack(broken, 9), soldBehindTheBack(healthy, 9)));
        awaitMap(healthy, seat(9, 'S'), "the healthy event's change");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<software.amazon.awssdk.services.sqs.model.Message> received;
        while ((received = stack.sqs().receiveMessage(b -> b.queueUrl(failures).waitTimeSeconds(1)).messages()).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "nothing reached the on-failure queue within 30 s");
        }
        JsonNode record = Json.MAPPER.readTree(received.getFirst().body());
        assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText(), record.toString());
        assertEquals(EmbeddedStack.SEAT_CHANGES_MAX_RETRIES + 1, record.at("/requestContext/approximateInvokeCount").asInt(), record.toString());

        redis.sync().del(CatalogKeys.seatStates(broken)); // repaired: the next read rebuilds the map from the table
        hold("after-the-failure", healthy, "10");
        awaitMap(healthy, seat(10, 'H'), "a change after the failed record");
        assertEquals('S', map(broken).charAt(8), "the rebuilt map has what the stream could not apply");
    }

    private static software.amazon.awssdk.services.dynamodb.model.TransactWriteItem soldBehindTheBack(long eventId, int seatId) {
        return software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().update(u -> u
                .tableName(EmbeddedStack.config("CreateBookingFunction").seatsTable()).key(CatalogStore.seatKey(eventId, seatId))
                .updateExpression("SET #s = :sold ADD version :one").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":sold", AttributeValue.fromS("SOLD"), ":one", AttributeValue.fromN("1")))).build();
    }

    /** What the map must show: every seat's effective state, read from the table. */
    private String tableMap(long eventId) {
        Event event = CatalogService.create(config).event(eventId).orElseThrow();
        List<SeatState> seats = new CatalogStore(AwsClients.dynamoDb(config), config.eventsTable(), config.seatsTable()).seatStates(event);
        return SeatMapView.statesOf(event, seats, Instant.now());
    }

    private Map<String, AttributeValue> item(long eventId, int seatId) {
        Map<String, AttributeValue> item = stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                .key(CatalogStore.seatKey(eventId, seatId))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** The version the live map holds for a seat (4 bytes of 7 bits each). */
    private long mapVersionOf(long eventId, int seatId) {
        String versions = redis.sync().getrange(CatalogKeys.seatVersions(eventId), (seatId - 1) * 4L, (seatId - 1) * 4L + 3);
        if (versions == null || versions.length() < 4) {
            return -1;
        }
        long version = 0;
        for (int i = 0; i < 4; i++) {
            version = version * 128 + versions.charAt(i);
        }
        return version;
    }
}
