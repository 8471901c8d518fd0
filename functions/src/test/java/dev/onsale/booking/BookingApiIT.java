package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.http.Caller;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Json;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The booking routes through the local gateway on DynamoDB Local, ElasticMQ and redis-server. */
@ExtendWith(EmbeddedStack.class)
class BookingApiIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000);
    private final Gateway api;

    BookingApiIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    static String newUser() {
        return "u" + USERS.incrementAndGet();
    }

    private long newEvent(int floorRows) {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert("Bookings", floorRows));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    private Gateway.Reply hold(String user, long eventId, String seats, String... headers) {
        return api.post("/api/v1/bookings?user_id=" + user, "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seats + "]}", headers);
    }

    @Test
    void tenConcurrentClientsForTheSameSeatsOneWins() throws Exception {
        long eventId = newEvent(5);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            for (int i = 0; i < 10; i++) {
                String user = newUser();
                replies.add(pool.submit(() -> {
                    start.await();
                    return hold(user, eventId, "210, 211, 212");
                }));
            }
            start.countDown();
            int created = 0;
            int refused = 0;
            for (Future<Gateway.Reply> future : replies) {
                Gateway.Reply reply = future.get();
                if (reply.status() == 201) {
                    created++;
                    assertEquals("HOLD", reply.json().get("status").asText());
                } else {
                    assertEquals(409, reply.status(), reply.body());
                    assertEquals("seats_unavailable", reply.json().get("error").asText());
                    assertEquals("Seats 210, 211, 212 are not available", reply.json().get("detail").asText());
                    refused++;
                }
            }
            assertEquals(1, created);
            assertEquals(9, refused);
        }
    }

    @Test
    void aHoldAnswersTheBookingWithItsSeatsAndPrice() {
        long eventId = newEvent(5);
        String user = newUser();
        Gateway.Reply reply = hold(user, eventId, "251, 1");
        assertEquals(201, reply.status(), reply.body());
        JsonNode booking = reply.json();
        assertEquals(user, booking.get("user_id").asText());
        assertEquals(eventId, booking.get("event_id").asLong());
        assertEquals(2, booking.get("seats").size());
        assertEquals(1, booking.get("seats").get(0).get("id").asInt());
        assertEquals("Balcony", booking.get("seats").get(1).get("section").asText());
        assertEquals("225.50", booking.get("total_amount").decimalValue().toPlainString());
        assertTrue(booking.get("expires_at").asText().compareTo(booking.get("created_at").asText()) > 0);
        assertEquals("/api/v1/bookings/" + booking.get("id").asLong(), reply.header("location").orElseThrow());

        JsonNode read = api.get("/api/v1/bookings/" + booking.get("id").asLong() + "?user_id=" + user).json();
        assertEquals(booking, read);
    }

    @Test
    void sameKeySequentiallyAndConcurrentlyMakesOneBooking() throws Exception {
        long eventId = newEvent(5);
        String user = newUser();
        String key = "test-key-" + UUID.randomUUID();
        Gateway.Reply first = hold(user, eventId, "201, 202, 203", "x-idempotency-key", key);
        assertEquals(201, first.status(), first.body());
        long id = first.json().get("id").asLong();
        for (int i = 0; i < 2; i++) {
            Gateway.Reply again = hold(user, eventId, "201, 202, 203", "x-idempotency-key", key);
            assertEquals(201, again.status(), again.body());
            assertEquals(id, again.json().get("id").asLong());
            assertEquals("true", again.header("idempotent-replayed").orElseThrow());
        }
        // 20 retries at once from one user: through the route, its pace rule would rightly stop them, so
        // they go to the function's handler without guards; what is tested is that they book once.
        CreateBookingHandler unguarded = new CreateBookingHandler(
                BookingService.create(EmbeddedStack.config("CreateBookingFunction")), Guards.NONE, Caller.AdminRule.group("admin"));
        String concurrentKey = "test-key-" + UUID.randomUUID();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayV2HTTPResponse>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return unguarded.handleRequest(ApiEvents.request("POST", "/api/v1/bookings", "/api/v1/bookings",
                            Map.of(), Map.of(), user, "127.0.0.1", "{\"event_id\": " + eventId + ", \"seat_ids\": [220, 221]}",
                            Map.of("idempotency-key", "\"" + concurrentKey + "\"")), null);
                }));
            }
            start.countDown();
            Long concurrentId = null;
            for (Future<APIGatewayV2HTTPResponse> reply : replies) {
                assertEquals(201, reply.get().getStatusCode(), reply.get().getBody());
                long answered = Json.MAPPER.readTree(reply.get().getBody()).get("id").asLong();
                concurrentId = concurrentId == null ? answered : concurrentId;
                assertEquals(concurrentId, answered);
            }
        }
        JsonNode mine = api.get("/api/v1/bookings?user_id=" + user).json().get("bookings");
        assertEquals(2, mine.size(), "one booking per key: " + mine);

        Gateway.Reply otherBody = hold(user, eventId, "230", "x-idempotency-key", key);
        assertEquals(422, otherBody.status());
        assertEquals("idempotency_key_reused", otherBody.json().get("error").asText());
    }

    @Test
    void confirmSellsTheSeatsAndIsIdempotent() {
        long eventId = newEvent(5);
        String user = newUser();
        long id = hold(user, eventId, "5, 6").json().get("id").asLong();
        Gateway.Reply confirmed = api.post("/api/v1/bookings/" + id + "/confirm?user_id=" + user, "");
        assertEquals(200, confirmed.status(), confirmed.body());
        assertEquals("CONFIRMED", confirmed.json().get("status").asText());
        assertEquals(200, api.post("/api/v1/bookings/" + id + "/confirm?user_id=" + user, "").status());
        Gateway.Reply cancel = api.post("/api/v1/bookings/" + id + "/cancel?user_id=" + user, "");
        assertEquals(409, cancel.status());
        assertEquals("booking_not_active", cancel.json().get("error").asText());
        Gateway.Reply taken = hold(newUser(), eventId, "6");
        assertEquals(409, taken.status(), "a sold seat cannot be held");
    }

    @Test
    void cancelFreesTheSeats() {
        long eventId = newEvent(5);
        String user = newUser();
        long id = hold(user, eventId, "7, 8").json().get("id").asLong();
        Gateway.Reply cancelled = api.post("/api/v1/bookings/" + id + "/cancel?user_id=" + user, "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("CANCELLED", cancelled.json().get("status").asText());
        assertEquals(201, hold(newUser(), eventId, "7, 8").status());
    }

    @Test
    void anotherUsersBookingIsNotFound() {
        long eventId = newEvent(5);
        long id = hold(newUser(), eventId, "9").json().get("id").asLong();
        String stranger = newUser();
        for (Gateway.Reply reply : List.of(
                api.get("/api/v1/bookings/" + id + "?user_id=" + stranger),
                api.post("/api/v1/bookings/" + id + "/confirm?user_id=" + stranger, ""),
                api.post("/api/v1/bookings/" + id + "/cancel?user_id=" + stranger, ""))) {
            assertEquals(404, reply.status(), reply.body());
            assertEquals("booking_not_found", reply.json().get("error").asText());
            assertFalse(reply.body().contains("\"seats\""));
        }
    }

    @Test
    void aUserMayHoldOnlyTwoBookingsPerEvent() {
        long eventId = newEvent(5);
        String user = newUser();
        long first = hold(user, eventId, "11").json().get("id").asLong();
        assertEquals(201, hold(user, eventId, "12").status());
        Gateway.Reply third = hold(user, eventId, "13");
        assertEquals(409, third.status());
        assertEquals("hold_limit_reached", third.json().get("error").asText());
        assertEquals(201, hold(user, newEvent(1), "1").status(), "the limit is per event");
        api.post("/api/v1/bookings/" + first + "/cancel?user_id=" + user, "");
        assertEquals(201, hold(user, eventId, "13").status());
    }

    @Test
    void badHoldRequestsAreRefusedWithTheRightStatus() {
        long eventId = newEvent(1);
        String user = newUser();
        // each bad hold comes from another user: a burst of holds from one trips the pace rule
        assertEquals(422, hold(newUser(), eventId, "").status());
        assertEquals(422, hold(newUser(), eventId, "1, 1").status());
        assertEquals(422, hold(newUser(), eventId, "1,2,3,4,5,6,7,8,9").status());
        assertEquals(422, hold(newUser(), eventId, "-4").status());
        Gateway.Reply unknownSeat = hold(newUser(), eventId, "1, 9999");
        assertEquals(422, unknownSeat.status());
        assertEquals("unknown_seats", unknownSeat.json().get("error").asText());
        assertEquals(404, hold(newUser(), 987_654, "1").status());
        assertEquals(401, api.post("/api/v1/bookings", "{\"event_id\": " + eventId + ", \"seat_ids\": [1]}").status());
        assertEquals(400, hold(newUser(), eventId, "1", "x-idempotency-key", "k".repeat(256)).status());
        assertEquals(400, api.post("/api/v1/bookings?user_id=" + newUser(), "[1,2").status());
        assertEquals(404, api.get("/api/v1/bookings/123?user_id=" + user).status());
        assertEquals(400, api.get("/api/v1/bookings/abc?user_id=" + user).status());
    }

    @Test
    void bookingsAreListedNewestFirst() {
        long eventId = newEvent(1);
        String user = newUser();
        long older = hold(user, eventId, "1").json().get("id").asLong();
        long newer = hold(user, eventId, "2").json().get("id").asLong();
        JsonNode page = api.get("/api/v1/bookings?limit=1&user_id=" + user).json();
        assertEquals(newer, page.get("bookings").get(0).get("id").asLong());
        long next = page.get("next_before").asLong();
        JsonNode second = api.get("/api/v1/bookings?limit=1&before=" + next + "&user_id=" + user).json();
        assertEquals(older, second.get("bookings").get(0).get("id").asLong());
    }
}
