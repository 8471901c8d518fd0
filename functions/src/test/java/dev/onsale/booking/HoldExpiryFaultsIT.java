package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.http.Caller;
import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Stacks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Expiry messages that come twice, too early, too late or never, and one that can never succeed: none
 * changes what it should not, and every hold still ends. Messages go through the real expiry function
 * (its handler, or the stack's SQS poller) on ElasticMQ and DynamoDB Local.
 */
@ExtendWith(EmbeddedStack.class)
class HoldExpiryFaultsIT {
    private final LocalStack stack;
    private final Config config = EmbeddedStack.adminConfig("CreateBookingFunction"); // one service doing several functions' parts

    HoldExpiryFaultsIT(LocalStack stack) {
        this.stack = stack;
    }

    /** The bookings service as the functions build it, with a short hold time, sending expiry messages through {@code sqs} to {@code queueUrl}. */
    private BookingService bookings(Duration holdTime, SqsClient sqs, String queueUrl) {
        return new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config), new HoldExpiryQueue(() -> sqs, queueUrl),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(holdTime));
    }

    /** A queue of this test's own that no function polls: what is sent there is only what the test reads. */
    private String ownQueue() {
        String name = "expiry-faults-" + UUID.randomUUID();
        return stack.sqs().createQueue(b -> b.queueName(name)).queueUrl();
    }

    private long newEvent() {
        return Events.create(config, "Expiry faults", 1);
    }

    private static String user(String name) {
        return name + "-" + System.nanoTime();
    }

    private static Booking held(BookingService.HoldOutcome outcome) {
        return assertInstanceOf(BookingService.HoldOutcome.Held.class, outcome).booking();
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> seat(long eventId, int seatId) {
        return stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                .key(CatalogStore.seatKey(eventId, seatId))).item();
    }

    private String seatStatus(long eventId, int seatId) {
        return seat(eventId, seatId).get("status").s();
    }

    private long seatHolder(long eventId, int seatId) {
        return Long.parseLong(seat(eventId, seatId).get("holdId").n());
    }

    /** The status the table keeps (not the one reads report). */
    private BookingStatus storedStatus(long bookingId) {
        return BookingStatus.valueOf(stack.dynamoDb().getItem(b -> b.tableName(config.bookingsTable()).consistentRead(true)
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("BOOKING#" + bookingId))))
                .item().get("status").s());
    }

    /** The user's count of live holds for the event, as the hold limit sees it. */
    private long activeHolds(String userId, long eventId) {
        var item = stack.dynamoDb().getItem(b -> b.tableName(config.bookingsTable()).consistentRead(true)
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("HOLDS#" + eventId + "#" + userId))))
                .item();
        return Long.parseLong(item.get("activeHolds").n());
    }

    private static SQSEvent messages(String... bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String body : bodies) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(body);
            records.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis + 50);
        }
    }

    @Test
    void aDuplicateMessageReleasesTheHoldOnceEvenWhenBothComeAtOnce() throws Exception {
        long eventId = newEvent();
        String userId = user("duplicated");
        BookingService service = bookings(Duration.ofSeconds(1), stack.sqs(), ownQueue());
        Booking booking = held(service.hold(userId, new HoldRequest(eventId, List.of(1L, 2L)), Optional.empty()));
        assertEquals(1, activeHolds(userId, eventId));
        sleepUntil(booking.expiresAt());

        HoldExpiryHandler expiry = new HoldExpiryHandler(service);
        String body = new ExpiryMessage(booking.id()).toJson();
        var first = CompletableFuture.supplyAsync(() -> expiry.handleRequest(messages(body), null));
        var second = CompletableFuture.supplyAsync(() -> expiry.handleRequest(messages(body), null));
        assertEquals(List.of(), first.get().getBatchItemFailures());
        assertEquals(List.of(), second.get().getBatchItemFailures());

        assertEquals(BookingStatus.EXPIRED, storedStatus(booking.id()));
        assertEquals("AVAILABLE", seatStatus(eventId, 1));
        assertEquals("AVAILABLE", seatStatus(eventId, 2));
        assertEquals(0, activeHolds(userId, eventId), "the hold was counted off once, not twice");
    }

    @Test
    void anEarlyMessageIsDelayedAgainForTheRestOfTheHoldAndExpiresNothingBeforeItsTime() throws Exception {
        long eventId = newEvent();
        String userId = user("early");
        String queue = ownQueue();
        BookingService service = bookings(Duration.ofSeconds(4), stack.sqs(), queue);
        Booking booking = held(service.hold(userId, new HoldRequest(eventId, List.of(5L)), Optional.empty()));
        HoldExpiryHandler expiry = new HoldExpiryHandler(service);

        // A message delivered long before the hold's end (a stray duplicate, a clock ahead) ...
        assertEquals(List.of(), expiry.handleRequest(messages(new ExpiryMessage(booking.id()).toJson()), null).getBatchItemFailures(),
                "an early message is done with, not failed (which would bring it back at the visibility timeout)");
        assertEquals(BookingStatus.HOLD, storedStatus(booking.id()));
        assertEquals("HELD", seatStatus(eventId, 5));
        assertEquals(BookingStatus.HOLD, service.booking(userId, booking.id()).orElseThrow().status());

        // ... asked to be woken again at the hold's end: the queue holds the hold's own message and that one, both still delayed.
        List<Message> due = new ArrayList<>(receive(queue, 0));
        if (Instant.now().isBefore(booking.expiresAt())) {
            assertEquals(List.of(), due, "nothing is due before the hold ends");
        }
        sleepUntil(booking.expiresAt());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (due.size() < 2 && System.nanoTime() < deadline) {
            due.addAll(receive(queue, 1));
        }
        assertEquals(2, due.size(), "the hold's own message and the one sent again for the rest of it");
        due.forEach(message -> assertEquals(booking.id(), ExpiryMessage.parse(message.body()).orElseThrow().bookingId()));

        SQSBatchResponse delivered = expiry.handleRequest(messages(due.get(0).body(), due.get(1).body()), null);
        assertEquals(List.of(), delivered.getBatchItemFailures());
        assertEquals(BookingStatus.EXPIRED, storedStatus(booking.id()));
        assertEquals("AVAILABLE", seatStatus(eventId, 5));
        assertEquals(0, activeHolds(userId, eventId));
    }

    private List<Message> receive(String queueUrl, int waitSeconds) {
        return stack.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(waitSeconds).maxNumberOfMessages(10)).messages();
    }

    @Test
    void aLateMessageAfterAConfirmOrACancelChangesNothing() throws Exception {
        long eventId = newEvent();
        BookingService service = bookings(Duration.ofSeconds(3), stack.sqs(), ownQueue());
        String buyer = user("buyer");
        String quitter = user("quitter");
        Booking bought = held(service.hold(buyer, new HoldRequest(eventId, List.of(10L, 11L)), Optional.empty()));
        Booking dropped = held(service.hold(quitter, new HoldRequest(eventId, List.of(12L)), Optional.empty()));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.confirm(buyer, bought.id(), Optional.empty()));
        assertInstanceOf(BookingService.ChangeOutcome.Changed.class, service.cancel(quitter, dropped.id(), Optional.empty()));
        String next = user("next");
        Booking nextHold = held(service.hold(next, new HoldRequest(eventId, List.of(12L)), Optional.empty()));
        sleepUntil(dropped.expiresAt());

        SQSBatchResponse late = new HoldExpiryHandler(service).handleRequest(messages(
                new ExpiryMessage(bought.id()).toJson(), new ExpiryMessage(dropped.id()).toJson()), null);

        assertEquals(List.of(), late.getBatchItemFailures());
        assertEquals(BookingStatus.CONFIRMED, storedStatus(bought.id()));
        assertEquals("SOLD", seatStatus(eventId, 10));
        assertEquals(bought.id(), seatHolder(eventId, 11));
        assertEquals(BookingStatus.CANCELLED, storedStatus(dropped.id()));
        assertEquals("HELD", seatStatus(eventId, 12), "the seat given back and taken by the next fan stays theirs");
        assertEquals(nextHold.id(), seatHolder(eventId, 12));
        assertEquals(0, activeHolds(buyer, eventId));
        assertEquals(0, activeHolds(quitter, eventId));
        assertEquals(1, activeHolds(next, eventId));
    }

    @Test
    void aLateMessageForALapsedHoldLeavesASeatReHeldSinceWithItsNewHolder() throws Exception {
        long eventId = newEvent();
        BookingService service = bookings(Duration.ofSeconds(1), stack.sqs(), ownQueue());
        String slow = user("slow");
        Booking lapsed = held(service.hold(slow, new HoldRequest(eventId, List.of(20L, 21L)), Optional.empty()));
        sleepUntil(lapsed.expiresAt());
        String fast = user("fast");
        Booking taken = held(service.hold(fast, new HoldRequest(eventId, List.of(21L)), Optional.empty()));
        assertEquals(BookingStatus.HOLD, storedStatus(lapsed.id()), "its message has not come yet");

        SQSBatchResponse late = new HoldExpiryHandler(service).handleRequest(messages(new ExpiryMessage(lapsed.id()).toJson()), null);

        assertEquals(List.of(), late.getBatchItemFailures());
        assertEquals(BookingStatus.EXPIRED, storedStatus(lapsed.id()));
        assertEquals("AVAILABLE", seatStatus(eventId, 20));
        assertEquals("HELD", seatStatus(eventId, 21));
        assertEquals(taken.id(), seatHolder(eventId, 21));
        assertEquals(BookingStatus.HOLD, storedStatus(taken.id()));
        assertEquals(0, activeHolds(slow, eventId));
        assertEquals(1, activeHolds(fast, eventId));
    }

    @Test
    void aPoisonMessageReachesTheDeadLetterQueueAfterTheRedriveCount() throws Exception {
        // The stack's own queue, polled into the real expiry function by the stack's event source poller;
        // the stack runs it with a short visibility timeout and a small maxReceiveCount (EmbeddedStack).
        assertDeadLetteredAfterEveryRetry("not an expiry message " + UUID.randomUUID());
    }

    @Test
    void aMessageThatParsesButFailsEveryTimeAlsoReachesTheDeadLetterQueue() throws Exception {
        // a booking row damaged by hand (no seats, no status): every delivery fails in the service, not in parsing
        long bookingId = 8_000_000_000_000L + RandomGenerator.getDefault().nextLong(1_000_000_000L);
        stack.dynamoDb().putItem(b -> b.tableName(config.bookingsTable()).item(Map.of(
                "pk", AttributeValue.fromS("BOOKING#" + bookingId), "bookingId", AttributeValue.fromN(Long.toString(bookingId)))));
        assertDeadLetteredAfterEveryRetry(new ExpiryMessage(bookingId).toJson());
    }

    /** Sends {@code body} to the expiry queue and waits for it in the dead-letter queue, after all its deliveries. */
    private void assertDeadLetteredAfterEveryRetry(String body) throws InterruptedException {
        long sentAt = System.nanoTime();
        stack.sqs().sendMessage(b -> b.queueUrl(config.holdExpiryQueueUrl()).messageBody(body));

        String deadLetters = stack.physicalId("HoldExpiryDeadLetterQueue");
        Optional<Message> dead = Optional.empty();
        long deadline = sentAt + Duration.ofSeconds(40).toNanos();
        while (dead.isEmpty() && System.nanoTime() < deadline) {
            dead = receive(deadLetters, 1).stream().filter(message -> message.body().equals(body)).findFirst();
        }
        long tookMillis = (System.nanoTime() - sentAt) / 1_000_000;
        assertTrue(dead.isPresent(), "the message did not reach the dead-letter queue in 40 s: " + body);
        String receipt = dead.get().receiptHandle();
        stack.sqs().deleteMessage(b -> b.queueUrl(deadLetters).receiptHandle(receipt));
        long retriesAtLeast = (long) (EmbeddedStack.EXPIRY_MAX_RECEIVE_COUNT - 1) * EmbeddedStack.EXPIRY_VISIBILITY_SECONDS * 1000;
        assertTrue(tookMillis >= retriesAtLeast, "dead-lettered after " + tookMillis + " ms: it was not delivered "
                + EmbeddedStack.EXPIRY_MAX_RECEIVE_COUNT + " times first");
    }

    /** Fails every SendMessage, as a send lost between the hold and its message would. */
    static final class FailSends implements ExecutionInterceptor {
        final CallCounter attempts = new CallCounter();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attempts.beforeExecution(context, attributes);
            if ("SendMessage".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                throw SdkClientException.create("SQS unreachable (injected)");
            }
        }
    }

    @Test
    void aHoldWhoseExpiryMessageCannotBeSentIsAnsweredAndStillEndsAtItsTime() throws Exception {
        long eventId = newEvent();
        FailSends failSends = new FailSends();
        try (SqsClient failingSqs = Stacks.sqs(config, failSends)) {
            BookingService service = bookings(Duration.ofSeconds(2), failingSqs, config.holdExpiryQueueUrl());
            String owner = user("unlucky");
            String other = user("other");

            // The hold is written before the send fails: answering 201 tells the truth (the seats are the
            // caller's until expires_at); a 5xx would invite a retry that, without a key, holds twice.
            APIGatewayV2HTTPResponse hold = new CreateBookingHandler(service, Guards.NONE, Caller.AdminRule.group("admin")).handleRequest(
                    ApiEvents.request("POST", "/api/v1/bookings", "/api/v1/bookings", Map.of(), Map.of(), owner, "198.51.100.60",
                            "{\"event_id\": " + eventId + ", \"seat_ids\": [30, 31]}"), null);
            assertEquals(201, hold.getStatusCode(), hold.getBody());
            assertEquals(1, failSends.attempts.count("SendMessage"), "the send was tried, and failed");
            JsonNode booking = Json.MAPPER.readTree(hold.getBody());
            long bookingId = booking.get("id").asLong();
            assertEquals("HOLD", booking.get("status").asText());
            assertInstanceOf(BookingService.HoldOutcome.SeatsUnavailable.class,
                    service.hold(other, new HoldRequest(eventId, List.of(31L)), Optional.empty()), "held until expires_at");

            sleepUntil(Instant.parse(booking.get("expires_at").asText()));

            // The seats free up at expires_at without the message: the hold condition accepts a lapsed hold.
            Booking next = held(service.hold(other, new HoldRequest(eventId, List.of(31L)), Optional.empty()));
            // Reads report the hold EXPIRED although no message came and the table still says HOLD.
            assertEquals(BookingStatus.HOLD, storedStatus(bookingId));
            APIGatewayV2HTTPResponse one = new GetBookingHandler(service, Caller.AdminRule.group("admin")).handleRequest(ApiEvents.request("GET",
                    "/api/v1/bookings/{booking_id}", "/api/v1/bookings/" + bookingId, Map.of("booking_id", Long.toString(bookingId)),
                    Map.of(), owner, "198.51.100.60", null), null);
            assertEquals(200, one.getStatusCode(), one.getBody());
            assertEquals("EXPIRED", Json.MAPPER.readTree(one.getBody()).get("status").asText());
            APIGatewayV2HTTPResponse list = new ListBookingsHandler(service, Caller.AdminRule.group("admin")).handleRequest(ApiEvents.request("GET",
                    "/api/v1/bookings", "/api/v1/bookings", Map.of(), Map.of(), owner, "198.51.100.60", null), null);
            assertEquals(200, list.getStatusCode(), list.getBody());
            assertEquals("EXPIRED", Json.MAPPER.readTree(list.getBody()).get("bookings").get(0).get("status").asText());

            // The owner's confirm ends it in the table (the lazy path) and frees what it still held.
            APIGatewayV2HTTPResponse confirm = new ConfirmBookingHandler(service, Guards.NONE, Caller.AdminRule.group("admin")).handleRequest(
                    ApiEvents.request("POST", "/api/v1/bookings/{booking_id}/confirm", "/api/v1/bookings/" + bookingId + "/confirm",
                            Map.of("booking_id", Long.toString(bookingId)), Map.of(), owner, "198.51.100.60", ""), null);
            assertEquals(409, confirm.getStatusCode(), confirm.getBody());
            assertTrue(confirm.getBody().contains("hold_expired"), confirm.getBody());
            assertEquals(BookingStatus.EXPIRED, storedStatus(bookingId));
            assertEquals("AVAILABLE", seatStatus(eventId, 30));
            assertEquals(next.id(), seatHolder(eventId, 31));
            assertEquals(0, activeHolds(owner, eventId));
        }
    }
}
