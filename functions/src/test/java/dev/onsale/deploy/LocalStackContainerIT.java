package dev.onsale.deploy;

import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.booking.BookingService;
import dev.onsale.booking.BookingStore;
import dev.onsale.booking.HoldExpiryQueue;
import dev.onsale.booking.HoldRequest;
import dev.onsale.booking.Payments;
import dev.onsale.catalog.CatalogService;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The catalog, booking and expiry flows with DynamoDB and SQS served by a real LocalStack container instead
 * of DynamoDB Local and ElasticMQ (the functions, the gateway, the pollers and redis-server are the
 * same). Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackContainerIT {
    /** 4.14.0: newer images want an auth token since 2026-03. */
    @Container
    static final LocalStackContainer AWS = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"))
            .withServices("dynamodb", "sqs");

    private static LocalStack stack;
    private static Gateway api;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackOptions.builder()
                .template(EmbeddedStack.projectFile("template.yaml"))
                .port(0)
                .parameterOverrides(EmbeddedStack.parameters())
                .externalAwsEndpoint(AWS.getEndpoint())
                .region(AWS.getRegion())
                .build());
        api = new Gateway(stack.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void tenClientsForTheSameSeatsOneWinsAndTheSeatMapShowsIt() throws Exception {
        long eventId = api.post("/api/v1/events", Events.concert("On LocalStack", 2)).json().get("id").asLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            for (int i = 0; i < 10; i++) {
                String user = "ls-user-" + i;
                replies.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/bookings?user_id=" + user,
                            "{\"event_id\": " + eventId + ", \"seat_ids\": [10, 11, 12]}");
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<Gateway.Reply> reply : replies) {
                int status = reply.get().status();
                assertTrue(status == 201 || status == 409, reply.get().body());
                created += status == 201 ? 1 : 0;
            }
            assertEquals(1, created);
        }
        Thread.sleep(1_100);
        String seats = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=auditor")
                .json().get("sections").get(0).get("seats").asText();
        assertEquals("HHH", seats.substring(9, 12));
    }

    /**
     * Hold, then expiry end to end on LocalStack: a hold of 2 s (the service as the functions build it, with a
     * short hold time) sends its delayed message to LocalStack's SQS; the stack's poller hands it to the real
     * expiry function, which marks the booking EXPIRED and frees the seats in LocalStack's DynamoDB.
     */
    @Test
    void aHoldExpiresThroughLocalStacksQueueAndItsSeatsAreFreed() throws Exception {
        long eventId = api.post("/api/v1/events", Events.concert("Expiry on LocalStack", 1)).json().get("id").asLong();
        Config config = Config.from(stack.functionEnvironment("CreateBookingFunction")::get);
        BookingService bookings = new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config),
                new HoldExpiryQueue(AwsClients.sqs(config), config.holdExpiryQueueUrl()),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(Duration.ofSeconds(2)));
        var held = bookings.hold("ls-expiring", new HoldRequest(eventId, List.of(20L, 21L)), Optional.empty());
        long bookingId = ((BookingService.HoldOutcome.Held) held).booking().id();
        assertEquals("HH", compactSeats(eventId).substring(19, 21));

        long deadline = System.currentTimeMillis() + 30_000;
        String status;
        do {
            Thread.sleep(250);
            status = api.get("/api/v1/bookings/" + bookingId + "?user_id=ls-expiring").json().path("status").asText();
            assertTrue(System.currentTimeMillis() < deadline, "the hold was not expired within 30 s; status " + status);
        } while (!status.equals("EXPIRED"));

        Thread.sleep(1_100); // past the seat map's fresh period
        assertEquals("AA", compactSeats(eventId).substring(19, 21));
        assertEquals(201, api.post("/api/v1/bookings?user_id=ls-next",
                "{\"event_id\": " + eventId + ", \"seat_ids\": [20, 21]}").status(), "the freed seats can be held again");
    }

    private static String compactSeats(long eventId) {
        return api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=ls-auditor")
                .json().get("sections").get(0).get("seats").asText();
    }
}
