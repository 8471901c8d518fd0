package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
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
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Confirm never charges without seats and never sells without a charge: the seats are secured first,
 * then charged under the booking's key, then sold. The simulated provider's ledger is real (DynamoDB
 * Local); its failures are injected around it: declines, lost answers before and after charging, a slow
 * charge that a cancel, an expiry and another fan's hold all run into.
 */
@ExtendWith(EmbeddedStack.class)
class ChargeSafeConfirmIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000);
    private static final Duration PAYMENT_TIMEOUT = Duration.ofMillis(1_500);

    private final LocalStack stack;
    private final Config config = EmbeddedStack.adminConfig("ConfirmBookingFunction"); // one service doing several functions' parts
    private final SimulatedPayments provider = SimulatedPayments.of(config);

    ChargeSafeConfirmIT(LocalStack stack) {
        this.stack = stack;
    }

    private static String newUser() {
        return "pay" + USERS.incrementAndGet();
    }

    private BookingService bookings(Payments payments, Duration holdTime) {
        return new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config), new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                payments, Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(holdTime).withPaymentTimeout(PAYMENT_TIMEOUT));
    }

    private BookingService bookings(Payments payments) {
        return bookings(payments, Duration.ofMinutes(10));
    }

    private long newEvent() {
        return Events.create(config, "Charge-safe confirm", 1);
    }

    private Booking hold(BookingService service, String user, long eventId, long... seats) {
        var outcome = service.hold(user, new HoldRequest(eventId, java.util.Arrays.stream(seats).boxed().toList()), Optional.empty());
        return assertInstanceOf(BookingService.HoldOutcome.Held.class, outcome, String.valueOf(outcome)).booking();
    }

    private Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        var item = stack.dynamoDb().getItem(b -> b.tableName(table).consistentRead(true).key(key)).item();
        return item == null ? Map.of() : item;
    }

    private String stored(long bookingId) {
        return item(config.bookingsTable(), Map.of("pk", AttributeValue.fromS("BOOKING#" + bookingId))).get("status").s();
    }

    /** The provider's ledger for the booking: CHARGED, VOIDED, or "none". */
    private String ledger(long bookingId) {
        var charge = item(config.bookingsTable(), Map.of("pk", AttributeValue.fromS("CHARGE#" + bookingId)));
        return charge.isEmpty() ? "none" : charge.get("status").s();
    }

    private String seat(long eventId, int seatId) {
        var seat = item(config.seatsTable(), CatalogStore.seatKey(eventId, seatId));
        return seat.isEmpty() ? "AVAILABLE" : seat.get("status").s() + (seat.containsKey("paying") ? "+paying" : "");
    }

    /** The real provider, counting the calls that reach it. */
    private Payments counted(AtomicInteger charges) {
        return new Payments() {
            @Override
            public Charge charge(long bookingId, String userId, BigDecimal amount) {
                charges.incrementAndGet();
                return provider.charge(bookingId, userId, amount);
            }

            @Override
            public Settlement settle(long bookingId) {
                return provider.settle(bookingId);
            }
        };
    }

    /** A provider that fails as told on each charge, then behaves. */
    private Payments failing(String how) {
        return new Payments() {
            @Override
            public Charge charge(long bookingId, String userId, BigDecimal amount) {
                return switch (how) {
                    case "decline" -> new Charge.Declined("Insufficient funds");
                    case "lost-before" -> throw new Unavailable("timed out before charging");
                    case "lost-after" -> {
                        provider.charge(bookingId, userId, amount);
                        throw new Unavailable("timed out after charging");
                    }
                    default -> provider.charge(bookingId, userId, amount);
                };
            }

            @Override
            public Settlement settle(long bookingId) {
                return provider.settle(bookingId);
            }
        };
    }

    @Test
    void aConfirmChargesOnceAndSellsTheSeats() {
        AtomicInteger charges = new AtomicInteger();
        BookingService service = bookings(counted(charges));
        long eventId = newEvent();
        String user = newUser();
        Booking booking = hold(service, user, eventId, 1, 2);
        var confirmed = assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.confirm(user, booking.id(), Optional.empty()));
        assertEquals(BookingStatus.CONFIRMED, confirmed.booking().status());
        assertEquals("CONFIRMED", stored(booking.id()));
        assertEquals("CHARGED", ledger(booking.id()));
        assertEquals("SOLD", seat(eventId, 1));
        assertEquals("SOLD", seat(eventId, 2));
        assertEquals(1, charges.get());
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.confirm(user, booking.id(), Optional.empty()));
        assertEquals(1, charges.get(), "confirming a confirmed booking charges nothing");
    }

    @Test
    void aDeclinedChargeGivesTheHoldBackToConfirmAgain() {
        long eventId = newEvent();
        String user = newUser();
        Booking booking = hold(bookings(provider), user, eventId, 3);
        var declined = assertInstanceOf(BookingService.ChangeOutcome.PaymentDeclined.class,
                bookings(failing("decline")).confirm(user, booking.id(), Optional.empty()));
        assertEquals("Insufficient funds", declined.reason());
        assertEquals("HOLD", stored(booking.id()));
        assertEquals("HELD", seat(eventId, 3), "held again, no longer secured for payment");
        assertEquals("none", ledger(booking.id()));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, bookings(provider).confirm(user, booking.id(), Optional.empty()));
        assertEquals("SOLD", seat(eventId, 3));
    }

    @Test
    void aChargeWhoseAnswerIsLostAfterChargingIsSoldByTheExpiryPath() throws Exception {
        long eventId = newEvent();
        String user = newUser();
        BookingService crashing = bookings(failing("lost-after"));
        Booking booking = hold(crashing, user, eventId, 4, 5);
        var pending = assertInstanceOf(BookingService.ChangeOutcome.PaymentPending.class, crashing.confirm(user, booking.id(), Optional.empty()));
        assertEquals("CONFIRMING", stored(booking.id()));
        assertEquals("CHARGED", ledger(booking.id()));
        assertEquals("HELD+paying", seat(eventId, 4));

        BookingService expiry = bookings(provider);
        assertEquals(BookingService.Expiry.NOT_DUE, expiry.expire(booking.id()), "before the payment deadline nothing is settled");
        Thread.sleep(Math.max(0, pending.deadline().toEpochMilli() - System.currentTimeMillis()) + 50);
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("settle-" + booking.id());
        message.setBody(new ExpiryMessage(booking.id()).toJson());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        assertTrue(new HoldExpiryHandler(expiry).handleRequest(event, null).getBatchItemFailures().isEmpty());
        assertEquals("CONFIRMED", stored(booking.id()), "charged, so sold: never a charge without seats");
        assertEquals("SOLD", seat(eventId, 4));
        assertEquals("SOLD", seat(eventId, 5));
    }

    @Test
    void aChargeLostBeforeChargingIsVoidedAndItsSeatsFreed() throws Exception {
        long eventId = newEvent();
        String user = newUser();
        BookingService crashing = bookings(failing("lost-before"));
        Booking booking = hold(crashing, user, eventId, 6);
        var pending = assertInstanceOf(BookingService.ChangeOutcome.PaymentPending.class, crashing.confirm(user, booking.id(), Optional.empty()));
        Thread.sleep(Math.max(0, pending.deadline().toEpochMilli() - System.currentTimeMillis()) + 50);
        assertEquals(BookingService.Expiry.EXPIRED, bookings(provider).expire(booking.id()));
        assertEquals("EXPIRED", stored(booking.id()));
        assertEquals("VOIDED", ledger(booking.id()));
        assertEquals("AVAILABLE", seat(eventId, 6));
        assertInstanceOf(Payments.Charge.Declined.class, provider.charge(booking.id(), user, BigDecimal.TEN),
                "a charge arriving after the void never goes through: never a charge without seats");
        assertEquals("VOIDED", ledger(booking.id()));
    }

    @Test
    void aConfirmRetriedAfterALostAnswerFinishesWithOneCharge() {
        long eventId = newEvent();
        String user = newUser();
        Booking booking = hold(bookings(provider), user, eventId, 7);
        assertInstanceOf(BookingService.ChangeOutcome.PaymentPending.class, bookings(failing("lost-after")).confirm(user, booking.id(), Optional.empty()));
        AtomicInteger charges = new AtomicInteger();
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, bookings(counted(charges)).confirm(user, booking.id(), Optional.empty()));
        assertEquals("CONFIRMED", stored(booking.id()));
        assertEquals(1, charges.get());
    }

    @Test
    void whileTheChargeRunsNeitherCancelNorExpiryNorAnotherFanTakesTheSeats() throws Exception {
        long eventId = newEvent();
        String user = newUser();
        CountDownLatch charging = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Payments slow = new Payments() {
            @Override
            public Charge charge(long bookingId, String userId, BigDecimal amount) {
                charging.countDown();
                try {
                    answer.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new Unavailable("interrupted");
                }
                return provider.charge(bookingId, userId, amount);
            }

            @Override
            public Settlement settle(long bookingId) {
                return provider.settle(bookingId);
            }
        };
        BookingService service = bookings(slow, Duration.ofMillis(1_000));
        Booking booking = hold(service, user, eventId, 8, 9);
        CompletableFuture<BookingService.ChangeOutcome> confirm = CompletableFuture.supplyAsync(() -> service.confirm(user, booking.id(), Optional.empty()));
        assertTrue(charging.await(5, TimeUnit.SECONDS));

        var cancel = assertInstanceOf(BookingService.ChangeOutcome.NotActive.class, service.cancel(user, booking.id(), Optional.empty()));
        assertEquals(BookingStatus.CONFIRMING, cancel.status());
        assertEquals(BookingService.Expiry.NOT_DUE, bookings(provider).expire(booking.id()));
        Thread.sleep(1_100); // the hold's own time is up: secured seats are not a lapsed hold's
        var other = bookings(provider).hold(newUser(), new HoldRequest(eventId, List.of(9L)), Optional.empty());
        assertInstanceOf(BookingService.HoldOutcome.SeatsUnavailable.class, other, String.valueOf(other));

        answer.countDown();
        var done = assertInstanceOf(BookingService.ChangeOutcome.Changed.class, confirm.get(10, TimeUnit.SECONDS));
        assertEquals(BookingStatus.CONFIRMED, done.booking().status());
        assertEquals("SOLD", seat(eventId, 8));
        assertEquals("SOLD", seat(eventId, 9));
        assertEquals("CHARGED", ledger(booking.id()));
    }

    @Test
    void concurrentConfirmsOfOneBookingChargeOnceAndAllAnswerIt() throws Exception {
        AtomicInteger charges = new AtomicInteger();
        BookingService service = bookings(counted(charges));
        long eventId = newEvent();
        String user = newUser();
        Booking booking = hold(service, user, eventId, 10, 11, 12);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<BookingService.ChangeOutcome>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return service.confirm(user, booking.id(), Optional.empty());
                }));
            }
            start.countDown();
            for (Future<BookingService.ChangeOutcome> outcome : outcomes) {
                var answered = outcome.get();
                assertTrue(answered instanceof BookingService.ChangeOutcome.Changed
                        || answered instanceof BookingService.ChangeOutcome.Busy, String.valueOf(answered));
            }
        }
        assertEquals("CONFIRMED", stored(booking.id()));
        assertEquals("CHARGED", ledger(booking.id()));
        assertTrue(charges.get() >= 1, "charge calls are idempotent under the booking's key: " + charges.get());
    }

    @Test
    void theRoutesAnswerAPendingPaymentAndACancelDuringIt() throws Exception {
        long eventId = newEvent();
        String user = newUser();
        BookingService crashing = bookings(failing("lost-before"));
        Booking booking = hold(crashing, user, eventId, 13);
        APIGatewayV2HTTPResponse pending = new ConfirmBookingHandler(crashing, Guards.NONE, Caller.AdminRule.group("admin"))
                .handleRequest(change("confirm", user, booking.id()), null);
        assertEquals(503, pending.getStatusCode(), pending.getBody());
        assertEquals("payment_pending", Json.MAPPER.readTree(pending.getBody()).get("error").asText());
        assertEquals("2", pending.getHeaders().get("retry-after"));
        APIGatewayV2HTTPResponse cancel = new CancelBookingHandler(crashing, Guards.NONE, Caller.AdminRule.group("admin"))
                .handleRequest(change("cancel", user, booking.id()), null);
        assertEquals(409, cancel.getStatusCode(), cancel.getBody());
        assertEquals("payment_in_progress", Json.MAPPER.readTree(cancel.getBody()).get("error").asText());
        assertFalse(seat(eventId, 13).equals("AVAILABLE"));
    }

    private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent change(String action, String user, long bookingId) {
        String path = "/api/v1/bookings/" + bookingId + "/" + action;
        return ApiEvents.request("POST", "/api/v1/bookings/{booking_id}/" + action, path,
                Map.of("booking_id", Long.toString(bookingId)), Map.of(), user, "127.0.0.1", "", Map.of());
    }
}
