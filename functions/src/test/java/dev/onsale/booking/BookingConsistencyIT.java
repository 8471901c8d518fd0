package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Under heavy concurrency a seat has at most one owner, and the table, the answers and the seat map agree. */
@ExtendWith(EmbeddedStack.class)
class BookingConsistencyIT {
    private final LocalStack stack;
    private final Gateway api;
    private final Config config = EmbeddedStack.config("CreateBookingFunction");

    BookingConsistencyIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    @Test
    void twoHundredClientsOnOverlappingSeatsNeverShareASeat() throws Exception {
        // 300 seats: one section of 6 rows of 50
        Gateway.Reply created = api.post("/api/v1/events", """
                {"name": "Contested", "venue": "Small Hall", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [{"name": "Stalls", "rows": 6, "seats_per_row": 50, "price": 40}]}""");
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();
        Random random = new Random(42);
        int clients = 200;
        List<List<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Set<Integer> seats = new TreeSet<>();
            int count = 1 + random.nextInt(4);
            while (seats.size() < count) {
                seats.add(1 + random.nextInt(300));
            }
            requests.add(new ArrayList<>(seats));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < clients; i++) {
                String user = BookingApiIT.newUser();
                String seats = requests.get(i).stream().map(String::valueOf).collect(Collectors.joining(","));
                replies.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/bookings?user_id=" + user,
                            "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seats + "]}");
                }));
            }
            start.countDown();
            Map<Integer, Long> ownerOfSeat = new HashMap<>();
            int won = 0;
            for (Future<Gateway.Reply> future : replies) {
                Gateway.Reply reply = future.get();
                if (reply.status() == 201) {
                    won++;
                    long bookingId = reply.json().get("id").asLong();
                    for (JsonNode seat : reply.json().get("seats")) {
                        Long previous = ownerOfSeat.put(seat.get("id").asInt(), bookingId);
                        assertEquals(null, previous, "seat " + seat.get("id") + " was answered to two bookings");
                    }
                } else {
                    assertEquals(409, reply.status(), reply.body());
                }
            }
            assertTrue(won > 10, "only " + won + " holds succeeded");

            // The table agrees: exactly the answered seats are HELD, each by its booking.
            Map<Integer, Long> heldInTable = new HashMap<>();
            for (int block = 0; block < 2; block++) {
                String key = eventId + "#" + block;
                stack.dynamoDb().query(q -> q.tableName(config.seatsTable()).consistentRead(true)
                                .keyConditionExpression("seatBlock = :b")
                                .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(key))))
                        .items().forEach(item -> {
                            if (item.get("status").s().equals("HELD")) {
                                heldInTable.put(Integer.parseInt(item.get("seatId").n()), Long.parseLong(item.get("holdId").n()));
                            }
                        });
            }
            assertEquals(ownerOfSeat, heldInTable);
            assertEquals(CatalogStore.SEATS_PER_BLOCK, 200, "the query above reads blocks of 200 seats");

            // The seat map agrees within a second.
            Set<Integer> heldInMap = new HashSet<>();
            long deadline = System.currentTimeMillis() + 1_500;
            int poll = 0;
            do {
                heldInMap.clear();
                // each poll is another auditor: one polling this fast would rightly be rate limited
                String codes = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=auditor-" + poll++)
                        .json().get("sections").get(0).get("seats").asText();
                for (int i = 0; i < codes.length(); i++) {
                    if (codes.charAt(i) == 'H') {
                        heldInMap.add(i + 1);
                    }
                }
                if (!heldInMap.equals(ownerOfSeat.keySet())) {
                    Thread.sleep(25);
                }
            } while (!heldInMap.equals(ownerOfSeat.keySet()) && System.currentTimeMillis() < deadline);
            assertEquals(ownerOfSeat.keySet(), heldInMap);
        }
    }
}
