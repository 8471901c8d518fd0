package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.http.Caller;
import dev.onsale.catalog.CatalogService;
import dev.onsale.http.Guards;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Stacks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * DynamoDB Local locks instead of racing, so it never cancels a transaction for a conflict the way
 * DynamoDB does under contention: those cancellations are injected here, in front of the real emulator.
 */
@ExtendWith(EmbeddedStack.class)
class BookingContentionIT {
    private final Config config = EmbeddedStack.adminConfig("CreateBookingFunction"); // one service doing several functions' parts


    /** Cancels the next {@code times} transactions with {@code code} before they reach DynamoDB. */
    static final class CancelTransactions implements ExecutionInterceptor {
        private final AtomicInteger remaining;
        private final String code;

        CancelTransactions(int times, String code) {
            this.remaining = new AtomicInteger(times);
            this.code = code;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ("TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                    && remaining.getAndDecrement() > 0) {
                throw TransactionCanceledException.builder()
                        .message("Transaction cancelled (injected)")
                        .cancellationReasons(CancellationReason.builder().code(code).build())
                        .build();
            }
        }
    }

    private BookingService bookings(DynamoDbClient dynamo) {
        return bookings(dynamo, config.holdTime());
    }

    private BookingService bookings(DynamoDbClient dynamo, Duration holdTime) {
        return new BookingService(
                new BookingStore(() -> dynamo, config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config),
                new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(holdTime));
    }

    private long newEvent() {
        return Events.create(config, "Contention", 1);
    }

    private static APIGatewayV2HTTPEvent holdEvent(String user, long eventId) {
        return APIGatewayV2HTTPEvent.builder()
                .withBody("{\"event_id\": " + eventId + ", \"seat_ids\": [1]}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", user)).build()).build()).build())
                .build();
    }

    /** Counts every TransactWriteItems tried, then cancels it: DynamoDB refusing every write for as long as the test lasts. */
    private static DynamoDbClient refusingEveryWrite(Config config, CallCounter attempts, String code) {
        return Stacks.dynamoDb(config, attempts, new CancelTransactions(Integer.MAX_VALUE, code));
    }

    private static APIGatewayV2HTTPEvent change(String user, long bookingId, String change) {
        return ApiEvents.request("POST", "/api/v1/bookings/{booking_id}/" + change, "/api/v1/bookings/" + bookingId + "/" + change,
                Map.of("booking_id", Long.toString(bookingId)), Map.of(), user, "198.51.100.70", "");
    }

    private ChangeBookingHandler changeHandler(String change, BookingService bookings) {
        return change.equals("confirm")
                ? new ConfirmBookingHandler(bookings, Guards.NONE, Caller.AdminRule.group("admin"))
                : new CancelBookingHandler(bookings, Guards.NONE, Caller.AdminRule.group("admin"));
    }

    /** A live hold made on an unfaulted client. */
    private Booking heldBy(String user, Duration holdTime) {
        var outcome = bookings(AwsClients.dynamoDb(config).get(), holdTime)
                .hold(user, new HoldRequest(Events.create(config, "Contention", 1), List.of(1L, 2L)), Optional.empty());
        return assertInstanceOf(BookingService.HoldOutcome.Held.class, outcome).booking();
    }

    @ParameterizedTest
    @CsvSource({
            "confirm, TransactionConflict, 409, booking_conflict",
            "confirm, ThrottlingError, 503, service_busy",
            "cancel, TransactionConflict, 409, booking_conflict",
            "cancel, ThrottlingError, 503, service_busy"})
    void aChangeThatDynamoDbKeepsRefusingIsRetriedThenAnsweredWithRetryAfter(String change, String code, int status, String error) {
        String user = change + "-" + code + "-" + System.nanoTime();
        Booking booking = heldBy(user, Duration.ofMinutes(10));
        CallCounter attempts = new CallCounter();
        try (DynamoDbClient dynamo = refusingEveryWrite(config, attempts, code)) {
            APIGatewayV2HTTPResponse response = changeHandler(change, bookings(dynamo)).handleRequest(change(user, booking.id(), change), null);
            assertEquals(status, response.getStatusCode(), response.getBody());
            assertTrue(response.getBody().contains(error), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
            assertEquals(config.writeAttempts(), attempts.count("TransactWriteItems"), "tried WRITE_ATTEMPTS times");
        }
        assertEquals(BookingStatus.HOLD, bookings(AwsClients.dynamoDb(config).get()).booking(user, booking.id()).orElseThrow().status(),
                "nothing changed");
    }

    @Test
    void aConfirmOfALapsedHoldThatCannotBeEndedIsAConflictNotAFailure() throws InterruptedException {
        String user = "lapsed-conflict-" + System.nanoTime();
        Booking booking = heldBy(user, Duration.ofMillis(300));
        Thread.sleep(400);
        CallCounter attempts = new CallCounter();
        try (DynamoDbClient dynamo = refusingEveryWrite(config, attempts, "TransactionConflict")) {
            APIGatewayV2HTTPResponse response = changeHandler("confirm", bookings(dynamo)).handleRequest(change(user, booking.id(), "confirm"), null);
            assertEquals(409, response.getStatusCode(), response.getBody());
            assertTrue(response.getBody().contains("booking_conflict"), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
            assertEquals(config.writeAttempts(), attempts.count("TransactWriteItems"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TransactionConflict", "ThrottlingError"})
    void anExpiryThatDynamoDbKeepsRefusingIsAFailedBatchItemForSqsToRetry(String code) throws InterruptedException {
        Booking booking = heldBy("expiry-" + code + "-" + System.nanoTime(), Duration.ofMillis(300));
        Thread.sleep(400);
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("refused-" + booking.id());
        message.setBody(new ExpiryMessage(booking.id()).toJson());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        CallCounter attempts = new CallCounter();
        try (DynamoDbClient dynamo = refusingEveryWrite(config, attempts, code)) {
            SQSBatchResponse response = new HoldExpiryHandler(bookings(dynamo)).handleRequest(event, null);
            assertEquals(List.of("refused-" + booking.id()),
                    response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
            assertEquals(config.writeAttempts(), attempts.count("TransactWriteItems"));
        }
        // SQS delivers it again, DynamoDB accepts it this time
        SQSBatchResponse again = new HoldExpiryHandler(bookings(AwsClients.dynamoDb(config).get())).handleRequest(event, null);
        assertEquals(List.of(), again.getBatchItemFailures());
    }

    /** Throttles every read of one operation past the SDK's own retries. */
    static final class ThrottleReads implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ("GetItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                throw ProvisionedThroughputExceededException.builder().message("Throughput exceeded (injected)")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                        .statusCode(400).build();
            }
        }
    }

    @Test
    void aThrottledReadIs503WithRetryAfterNot500() {
        String user = "throttled-read-" + System.nanoTime();
        Booking booking = heldBy(user, Duration.ofMinutes(10));
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, new ThrottleReads())) {
            APIGatewayV2HTTPResponse response = changeHandler("cancel", bookings(dynamo)).handleRequest(change(user, booking.id(), "cancel"), null);
            assertEquals(503, response.getStatusCode(), response.getBody());
            assertTrue(response.getBody().contains("service_busy"), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
        }
    }

    @Test
    void aConflictIsRetriedAndTheHoldSucceeds() {
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, new CancelTransactions(2, "TransactionConflict"))) {
            var held = bookings(dynamo).hold("contended-user", new HoldRequest(newEvent(), List.of(1L)), Optional.empty());
            assertInstanceOf(BookingService.HoldOutcome.Held.class, held);
        }
    }

    @Test
    void endlessConflictIs409WithRetryAfter() {
        long eventId = newEvent();
        CallCounter attempts = new CallCounter();
        try (DynamoDbClient dynamo = refusingEveryWrite(config, attempts, "TransactionConflict")) {
            APIGatewayV2HTTPResponse response = new CreateBookingHandler(bookings(dynamo), Guards.NONE, Caller.AdminRule.group("admin"))
                    .handleRequest(holdEvent("conflicted-user", eventId), null);
            assertEquals(409, response.getStatusCode(), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
            assertEquals(true, response.getBody().contains("booking_conflict"));
            assertEquals(config.writeAttempts(), attempts.count("TransactWriteItems"), "tried WRITE_ATTEMPTS times");
        }
    }

    @Test
    void endlessThrottlingIs503WithRetryAfter() {
        long eventId = newEvent();
        CallCounter attempts = new CallCounter();
        try (DynamoDbClient dynamo = refusingEveryWrite(config, attempts, "ThrottlingError")) {
            APIGatewayV2HTTPResponse response = new CreateBookingHandler(bookings(dynamo), Guards.NONE, Caller.AdminRule.group("admin"))
                    .handleRequest(holdEvent("throttled-user", eventId), null);
            assertEquals(503, response.getStatusCode(), response.getBody());
            assertTrue(response.getBody().contains("service_busy"), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
            assertEquals(config.writeAttempts(), attempts.count("TransactWriteItems"), "tried WRITE_ATTEMPTS times");
        }
    }
}
