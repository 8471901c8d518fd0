package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.http.Caller;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What keeps a scalper farm from taking an event, on DynamoDB Local: tickets per account, held seats per
 * address, the re-hold cool-down, the hold-time budget and the session's end. Races go at the limits from
 * many threads at once; none may ever pass one.
 */
@ExtendWith(EmbeddedStack.class)
class FairOnSaleIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000);
    private static final HoldLimits WIDE = new HoldLimits(100, 8, 100, Duration.ofSeconds(300), Duration.ofHours(10));

    private final LocalStack stack;
    private final Config config = EmbeddedStack.adminConfig("CreateBookingFunction"); // one service doing several functions' parts

    FairOnSaleIT(LocalStack stack) {
        this.stack = stack;
    }

    private static String newUser() {
        return "fair" + USERS.incrementAndGet();
    }

    private BookingService bookings(HoldLimits limits, Duration holdTime) {
        return new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config), new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(holdTime).withLimits(limits));
    }

    private long newEvent() {
        return Events.create(config, "Fair on-sale", 2);
    }

    private static BookingService.HoldOutcome hold(BookingService service, BookingService.Holder holder, long eventId, long... seats) {
        return service.hold(holder, new HoldRequest(eventId, java.util.Arrays.stream(seats).boxed().toList()), Optional.empty());
    }

    private static BookingService.Holder at(String user, String address) {
        return new BookingService.Holder(user, address, Optional.empty());
    }

    private static Booking held(BookingService.HoldOutcome outcome) {
        return assertInstanceOf(BookingService.HoldOutcome.Held.class, outcome, String.valueOf(outcome)).booking();
    }

    private static HoldLimits.Limit limit(BookingService.HoldOutcome outcome) {
        return assertInstanceOf(BookingService.HoldOutcome.LimitReached.class, outcome, String.valueOf(outcome)).limit();
    }

    private long counter(String pk, String attribute) {
        var item = stack.dynamoDb().getItem(b -> b.tableName(config.bookingsTable()).consistentRead(true)
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk)))).item();
        return item == null || !item.containsKey(attribute) ? 0 : Long.parseLong(item.get(attribute).n());
    }

    private String seatStatus(long eventId, int seatId) {
        var item = stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                .key(CatalogStore.seatKey(eventId, seatId))).item();
        return item == null || item.isEmpty() ? "AVAILABLE" : item.get("status").s();
    }

    @Test
    void anAccountHoldsAndBuysAtMostItsTicketsAndGetsThemBackOnCancel() {
        BookingService service = bookings(WIDE, Duration.ofMinutes(10));
        long eventId = newEvent();
        String user = newUser();
        Booking bought = held(hold(service, at(user, "10.0.0.1"), eventId, 1, 2, 3, 4, 5));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.confirm(user, bought.id(), Optional.empty()));
        Booking kept = held(hold(service, at(user, "10.0.0.1"), eventId, 6, 7, 8));

        assertEquals(HoldLimits.Limit.TICKETS, limit(hold(service, at(user, "10.0.0.1"), eventId, 9)),
                "5 bought and 3 held make the 8 an account may have");
        assertEquals(8, counter("HOLDS#" + eventId + "#" + user, "tickets"));

        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(user, kept.id(), Optional.empty()));
        assertEquals(5, counter("HOLDS#" + eventId + "#" + user, "tickets"), "a cancel gives its seats back; a purchase keeps them");
        held(hold(service, at(user, "10.0.0.1"), eventId, 10, 11, 12));
        assertEquals(HoldLimits.Limit.TICKETS, limit(hold(service, at(user, "10.0.0.1"), eventId, 13)));
        held(hold(service, at(newUser(), "10.0.0.1"), eventId, 13));
    }

    @Test
    void anExpiredHoldGivesItsTicketsBack() throws Exception {
        BookingService service = bookings(WIDE, Duration.ofMillis(800));
        long eventId = newEvent();
        String user = newUser();
        held(hold(service, at(user, ""), eventId, 1, 2, 3, 4, 5, 6, 7, 8));
        Thread.sleep(1_000);
        // the counter still counts the lapsed hold until its expiry runs: the hold ends it, then holds
        held(hold(service, at(user, ""), eventId, 30, 31, 32, 33, 34, 35, 36, 37));
        assertEquals(8, counter("HOLDS#" + eventId + "#" + user, "tickets"));
    }

    @Test
    void concurrentHoldsOfOneAccountNeverExceedItsTickets() throws Exception {
        BookingService service = bookings(WIDE, Duration.ofMinutes(10));
        long eventId = newEvent();
        String user = newUser();
        List<BookingService.HoldOutcome> outcomes = race(30, i -> () -> hold(service, at(user, "10.0.1." + i), eventId, 1 + i));
        long held = outcomes.stream().filter(BookingService.HoldOutcome.Held.class::isInstance).count();
        assertTrue(held <= 8, held + " holds of one seat passed a limit of 8: " + outcomes);
        assertTrue(held >= 1, outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o instanceof BookingService.HoldOutcome.Held
                || o instanceof BookingService.HoldOutcome.Busy
                || o instanceof BookingService.HoldOutcome.LimitReached reached && reached.limit() == HoldLimits.Limit.TICKETS),
                "refused only by the limit, or by contention on its counter: " + outcomes);
        assertEquals(held, counter("HOLDS#" + eventId + "#" + user, "tickets"));
        long seatsHeld = java.util.stream.IntStream.rangeClosed(1, 30).filter(seat -> seatStatus(eventId, seat).equals("HELD")).count();
        assertEquals(held, seatsHeld);
    }

    @Test
    void concurrentHoldsFromOneAddressNeverExceedItsCap() throws Exception {
        HoldLimits limits = new HoldLimits(2, 8, 10, Duration.ofSeconds(300), Duration.ofHours(1));
        BookingService service = bookings(limits, Duration.ofMinutes(10));
        long eventId = newEvent();
        List<BookingService.HoldOutcome> outcomes = race(24, i -> () -> hold(service, at(newUser(), "192.0.2.7"), eventId, 1 + 2L * i, 2 + 2L * i));
        long held = outcomes.stream().filter(BookingService.HoldOutcome.Held.class::isInstance).count();
        assertTrue(held <= 5, held + " holds of 2 seats passed a cap of 10 seats: " + outcomes);
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof BookingService.HoldOutcome.LimitReached reached
                && reached.limit() == HoldLimits.Limit.ADDRESS_SEATS), outcomes.toString());
        assertEquals(2 * held, counter("ADDRESS#" + eventId + "#192.0.2.7", "heldSeats"));

        held(hold(service, at(newUser(), "192.0.2.8"), eventId, 100)); // another address is not affected
        Booking one = outcomes.stream().filter(BookingService.HoldOutcome.Held.class::isInstance).map(FairOnSaleIT::held).findFirst().orElseThrow();
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.confirm(one.userId(), one.id(), Optional.empty()));
        assertEquals(2 * held - 2, counter("ADDRESS#" + eventId + "#192.0.2.7", "heldSeats"), "bought seats are no longer held");
    }

    @Test
    void anAccountCannotRenewAHoldByCancellingOrLettingItLapse() throws Exception {
        HoldLimits limits = new HoldLimits(2, 8, 100, Duration.ofSeconds(3), Duration.ofHours(1));
        BookingService service = bookings(limits, Duration.ofMinutes(10));
        long eventId = newEvent();
        String user = newUser();
        Booking first = held(hold(service, at(user, ""), eventId, 1, 2));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(user, first.id(), Optional.empty()));
        for (int attempt = 0; attempt < 5; attempt++) {
            var again = assertInstanceOf(BookingService.HoldOutcome.CoolingDown.class, hold(service, at(user, ""), eventId, 2, 1));
            assertEquals(List.of(1, 2), again.seatIds());
            assertTrue(again.until().isAfter(Instant.now()));
        }
        Booking other = held(hold(service, at(user, ""), eventId, 50));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(user, other.id(), Optional.empty()),
                "other seats are the account's to hold at once");
        Thread.sleep(3_100);
        held(hold(service, at(user, ""), eventId, 1));

        // a lapsed hold is as good as given up, even before its expiry message ends it
        BookingService shortHolds = bookings(limits, Duration.ofMillis(500));
        String lapsing = newUser();
        held(hold(shortHolds, at(lapsing, ""), eventId, 40));
        Thread.sleep(700);
        assertInstanceOf(BookingService.HoldOutcome.CoolingDown.class, hold(shortHolds, at(lapsing, ""), eventId, 40));
        held(hold(shortHolds, at(newUser(), ""), eventId, 40));
    }

    @Test
    void anAccountsHoldTimeIsCappedAndUnusedTimeComesBack() throws Exception {
        HoldLimits limits = new HoldLimits(2, 8, 100, Duration.ZERO, Duration.ofMillis(2_500));
        BookingService service = bookings(limits, Duration.ofMillis(1_000));
        long eventId = newEvent();
        String user = newUser();
        for (int i = 0; i < 5; i++) {
            Booking hold = held(hold(service, at(user, ""), eventId, 1));
            assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(user, hold.id(), Optional.empty()));
        }
        held(hold(service, at(user, ""), eventId, 2));
        Thread.sleep(1_100);
        held(hold(service, at(user, ""), eventId, 3));
        Thread.sleep(1_100);
        assertEquals(HoldLimits.Limit.HOLD_TIME, limit(hold(service, at(user, ""), eventId, 4)),
                "two lapsed holds of 1 s and the short ones used more than 0.5 s of the 2.5 s");
        held(hold(service, at(newUser(), ""), eventId, 4));
    }

    @Test
    void aHoldMadeInASessionEndsWhenTheSessionEnds() throws Exception {
        BookingService service = bookings(WIDE, Duration.ofMinutes(10));
        long eventId = newEvent();
        Instant sessionEnd = Instant.now().plusSeconds(42).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String user = newUser();
        String token = "a-token-only-the-deadline-reads";
        CreateBookingHandler handler = new CreateBookingHandler(service, Guards.NONE, Caller.AdminRule.group("admin"),
                (event, userId, accessToken) -> event == eventId && userId.equals(user) && accessToken.equals(Optional.of(token))
                        ? Optional.of(sessionEnd) : Optional.empty());
        APIGatewayV2HTTPResponse inSession = post(handler, user, "198.51.100.1", eventId, "1", Map.of("x-waiting-room-token", token));
        assertEquals(201, inSession.getStatusCode(), inSession.getBody());
        assertEquals(sessionEnd.toString(), Instant.parse(Json.MAPPER.readTree(inSession.getBody()).get("expires_at").asText()).toString());
        APIGatewayV2HTTPResponse outside = post(handler, newUser(), "198.51.100.1", eventId, "2", Map.of());
        Instant full = Instant.parse(Json.MAPPER.readTree(outside.getBody()).get("expires_at").asText());
        assertTrue(full.isAfter(Instant.now().plusSeconds(500)), "without a session a hold lasts the hold time: " + full);
    }

    @Test
    void theRoutesAnswerEachLimitWithItsErrorAndTheCoolDownWithRetryAfter() throws Exception {
        HoldLimits limits = new HoldLimits(5, 3, 4, Duration.ofSeconds(60), Duration.ofHours(1));
        BookingService service = bookings(limits, Duration.ofMinutes(10));
        CreateBookingHandler handler = new CreateBookingHandler(service, Guards.NONE, Caller.AdminRule.group("admin"));
        long eventId = newEvent();
        String user = newUser();
        assertEquals(201, post(handler, user, "203.0.113.5", eventId, "1, 2", Map.of()).getStatusCode());
        JsonNode tickets = error(post(handler, user, "203.0.113.5", eventId, "3, 4", Map.of()), 409);
        assertEquals("ticket_limit_reached", tickets.get("error").asText());
        assertEquals(3, tickets.get("max_tickets").asInt());
        assertEquals(201, post(handler, newUser(), "203.0.113.5", eventId, "5, 6", Map.of()).getStatusCode());
        JsonNode address = error(post(handler, newUser(), "203.0.113.5", eventId, "7", Map.of()), 409);
        assertEquals("address_hold_limit_reached", address.get("error").asText());
        assertEquals(4, address.get("max_held_seats").asInt());

        String quitter = newUser();
        APIGatewayV2HTTPResponse first = post(handler, quitter, "203.0.113.6", eventId, "9", Map.of());
        long bookingId = Json.MAPPER.readTree(first.getBody()).get("id").asLong();
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(quitter, bookingId, Optional.empty()));
        APIGatewayV2HTTPResponse again = post(handler, quitter, "203.0.113.6", eventId, "9", Map.of());
        JsonNode cooling = error(again, 409);
        assertEquals("rehold_cooldown", cooling.get("error").asText());
        assertEquals(List.of(9), Json.MAPPER.convertValue(cooling.get("seat_ids"), List.class));
        long retryAfter = Long.parseLong(again.getHeaders().get("retry-after"));
        assertTrue(retryAfter >= 58 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    private static JsonNode error(APIGatewayV2HTTPResponse response, int status) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return Json.MAPPER.readTree(response.getBody());
    }

    private static APIGatewayV2HTTPResponse post(CreateBookingHandler handler, String user, String address, long eventId,
                                                 String seats, Map<String, String> headers) {
        return handler.handleRequest(ApiEvents.request("POST", "/api/v1/bookings", "/api/v1/bookings", Map.of(), Map.of(),
                user, address, "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seats + "]}", headers), null);
    }

    private static <T> List<T> race(int callers, java.util.function.IntFunction<Callable<T>> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                Callable<T> task = call.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }
}
