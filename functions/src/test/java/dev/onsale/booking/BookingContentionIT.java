package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.catalog.CatalogService;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
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
    private final Gateway api;
    private final Config config = EmbeddedStack.config("CreateBookingFunction");

    BookingContentionIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

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
        return new BookingService(
                new BookingStore(dynamo, config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config),
                new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                Payments.simulated(), Clock.systemUTC(), RandomGenerator.getDefault(), BookingService.Settings.of(config));
    }

    private long newEvent() {
        return api.post("/api/v1/events", Events.concert("Contention", 1)).json().get("id").asLong();
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

    @Test
    void aConflictIsRetriedAndTheHoldSucceeds() {
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, new CancelTransactions(2, "TransactionConflict"))) {
            var held = bookings(dynamo).hold("contended-user", new HoldRequest(newEvent(), List.of(1L)), Optional.empty());
            assertInstanceOf(BookingService.HoldOutcome.Held.class, held);
        }
    }

    @Test
    void endlessConflictIs409WithRetryAfter() {
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, new CancelTransactions(1_000, "TransactionConflict"))) {
            APIGatewayV2HTTPResponse response = new CreateBookingHandler(bookings(dynamo), Guards.NONE, "admin")
                    .handleRequest(holdEvent("conflicted-user", newEvent()), null);
            assertEquals(409, response.getStatusCode(), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
            assertEquals(true, response.getBody().contains("booking_conflict"));
        }
    }

    @Test
    void endlessThrottlingIs503WithRetryAfter() {
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, new CancelTransactions(1_000, "ThrottlingError"))) {
            APIGatewayV2HTTPResponse response = new CreateBookingHandler(bookings(dynamo), Guards.NONE, "admin")
                    .handleRequest(holdEvent("throttled-user", newEvent()), null);
            assertEquals(503, response.getStatusCode(), response.getBody());
            assertEquals("1", response.getHeaders().get("retry-after"));
        }
    }
}
