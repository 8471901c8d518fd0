package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Holds end by themselves: through the SQS-delayed message and the real expiry function the stack
 * polls the queue into, and, should that message be late or lost, lazily.
 */
@ExtendWith(EmbeddedStack.class)
class HoldExpiryIT {
    private final LocalStack stack;
    private final Gateway api;
    private final Config config = EmbeddedStack.adminConfig("CreateBookingFunction"); // one service doing several functions' parts

    HoldExpiryIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    /** The bookings service as the functions build it, with a short hold time and the given expiry queue. */
    private BookingService bookings(Duration holdTime, String expiryQueueUrl) {
        return new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config),
                new HoldExpiryQueue(AwsClients.sqs(config), expiryQueueUrl),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config)
                        .withLimits(HoldLimits.of(config).withHoldTimePerAccount(holdTime.multipliedBy(3))).withHoldTime(holdTime));
    }

    private long newEvent() {
        return api.post("/api/v1/events", Events.concert("Expiry", 1)).json().get("id").asLong();
    }

    private String seatStatus(long eventId, int seatId) {
        return stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                .key(CatalogStore.seatKey(eventId, seatId))).item().get("status").s();
    }

    private BookingStatus storedStatus(long bookingId) {
        return BookingStatus.valueOf(stack.dynamoDb().getItem(b -> b.tableName(config.bookingsTable()).consistentRead(true)
                .key(java.util.Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("BOOKING#" + bookingId))))
                .item().get("status").s());
    }

    @Test
    void aTwoSecondHoldExpiresThroughTheQueueAndADuplicateMessageChangesNothing() throws InterruptedException {
        long eventId = newEvent();
        BookingService service = bookings(Duration.ofSeconds(2), config.holdExpiryQueueUrl());
        var held = assertInstanceOf(BookingService.HoldOutcome.Held.class,
                service.hold("expiring-user", new HoldRequest(eventId, java.util.List.of(3L, 4L)), Optional.empty()));
        long bookingId = held.booking().id();
        assertEquals("HELD", seatStatus(eventId, 3));

        long deadline = System.currentTimeMillis() + 10_000;
        // the table's status: reads report a lapsed hold EXPIRED before its message has freed the seats
        while (storedStatus(bookingId) != BookingStatus.EXPIRED) {
            assertTrue(System.currentTimeMillis() < deadline, "the hold was not expired within 10 s");
            Thread.sleep(100);
        }
        assertEquals("AVAILABLE", seatStatus(eventId, 3));
        assertEquals("AVAILABLE", seatStatus(eventId, 4));

        // Someone else holds seat 3 now; a duplicate expiry message must not free it.
        var next = assertInstanceOf(BookingService.HoldOutcome.Held.class,
                service.hold("next-user", new HoldRequest(eventId, java.util.List.of(3L)), Optional.empty()));
        stack.sqs().sendMessage(b -> b.queueUrl(config.holdExpiryQueueUrl())
                .messageBody(new ExpiryMessage(bookingId).toJson()));
        assertEquals(BookingService.Expiry.ALREADY_ENDED, service.expire(bookingId));
        Thread.sleep(1_500); // the poller delivers the duplicate
        assertEquals("HELD", seatStatus(eventId, 3));
        assertEquals(BookingStatus.HOLD, storedStatus(next.booking().id()));
        assertEquals(BookingStatus.EXPIRED, service.booking("expiring-user", bookingId).orElseThrow().status());
    }

    @Test
    void aLapsedHoldFreesItsSeatsAtOnceEvenWhenItsMessageNeverComes() throws InterruptedException {
        long eventId = newEvent();
        // Messages to the dead-letter queue: no expiry function ever sees them.
        BookingService lost = bookings(Duration.ofMillis(500), stack.physicalId("HoldExpiryDeadLetterQueue"));
        var first = assertInstanceOf(BookingService.HoldOutcome.Held.class,
                lost.hold("slow-user", new HoldRequest(eventId, java.util.List.of(10L, 11L)), Optional.empty()));
        assertInstanceOf(BookingService.HoldOutcome.SeatsUnavailable.class,
                lost.hold("fast-user", new HoldRequest(eventId, java.util.List.of(11L)), Optional.empty()));
        Thread.sleep(600);
        assertInstanceOf(BookingService.HoldOutcome.Held.class,
                lost.hold("fast-user", new HoldRequest(eventId, java.util.List.of(11L)), Optional.empty()));
        assertEquals("HELD", seatStatus(eventId, 10), "the stale hold still marks seat 10 in the table");
        var confirm = lost.confirm("slow-user", first.booking().id(), Optional.empty());
        assertInstanceOf(BookingService.ChangeOutcome.HoldExpired.class, confirm);
        assertEquals("AVAILABLE", seatStatus(eventId, 10), "the lazy path released what the stale hold still had");
        assertEquals("HELD", seatStatus(eventId, 11), "and left the new holder's seat alone");
        assertEquals(BookingStatus.EXPIRED, lost.booking("slow-user", first.booking().id()).orElseThrow().status());
    }

    @Test
    void anEarlyMessageIsSentAgainForTheRestOfTheHold() {
        long eventId = newEvent();
        BookingService service = bookings(Duration.ofHours(1), stack.physicalId("HoldExpiryDeadLetterQueue"));
        var held = assertInstanceOf(BookingService.HoldOutcome.Held.class,
                service.hold("long-user", new HoldRequest(eventId, java.util.List.of(20L)), Optional.empty()));
        assertEquals(BookingService.Expiry.NOT_DUE, service.expire(held.booking().id()));
        assertEquals(BookingStatus.HOLD, service.booking("long-user", held.booking().id()).orElseThrow().status());
        assertEquals(BookingService.Expiry.UNKNOWN, service.expire(424_242));
    }

    @Test
    void theExpiryFunctionReportsAPoisonMessageAsAFailedItem() {
        var event = new com.amazonaws.services.lambda.runtime.events.SQSEvent();
        var poison = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        poison.setMessageId("poison-1");
        poison.setBody("not json");
        var fine = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        fine.setMessageId("fine-1");
        fine.setBody(new ExpiryMessage(4_242_424L).toJson());
        event.setRecords(java.util.List.of(poison, fine));
        var response = new HoldExpiryHandler(bookings(Duration.ofSeconds(1), config.holdExpiryQueueUrl()))
                .handleRequest(event, null);
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals("poison-1", response.getBatchItemFailures().getFirst().getItemIdentifier());
    }
}
