package dev.onsale.bench;

import dev.onsale.booking.BookingService;
import dev.onsale.booking.BookingStore;
import dev.onsale.booking.HoldExpiryQueue;
import dev.onsale.booking.HoldRequest;
import dev.onsale.booking.Payments;
import dev.onsale.catalog.CatalogService;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.testing.CallCounter;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Holds per second and hold latency through the real booking service against DynamoDB Local,
 * and the DynamoDB calls each hold makes. Each hold takes 2 seats no other hold asks for, so every
 * hold succeeds: this measures the happy path.
 *
 * <pre>scripts/bench holds [threads=16] [holds=4000]</pre>
 */
public final class HoldBenchmark {
    public static void main(String[] args) throws Exception {
        Figures.start("holds");
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int holds = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
        LocalStack stack = EmbeddedStack.get();
        Config config = EmbeddedStack.config("CreateBookingFunction");
        int rows = (holds * 2 + 100 + 99) / 100; // the last 100 seats are for the warm-up
        Gateway.Reply created = new Gateway(stack.gatewayUrl()).post("/api/v1/events", """
                {"name": "Benchmark", "venue": "Bench Arena", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [{"name": "Floor", "rows": %d, "seats_per_row": 100, "price": 10}]}""".formatted(rows));
        long eventId = created.json().get("id").asLong();

        CallCounter calls = new CallCounter();
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, calls)) {
            BookingService service = new BookingService(
                    new BookingStore(() -> dynamo, config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                    CatalogService.create(config),
                    new HoldExpiryQueue(AwsClients.sqs(config), stack.physicalId("HoldExpiryDeadLetterQueue")),
                    dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(), BookingService.Settings.of(config));
            // warm-up: class loading, connection pools, the event in the Redis cache
            for (int i = 0; i < 50; i++) {
                service.hold("warm-" + i, new HoldRequest(eventId, List.of(2L * holds + 1 + i)), Optional.empty());
            }
            calls.reset();

            Latencies latencies = new Latencies();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(threads);
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < holds; i = next.getAndIncrement()) {
                            long seat = 1 + 2L * i;
                            long began = System.nanoTime();
                            var outcome = service.hold("bench-" + i, new HoldRequest(eventId, List.of(seat, seat + 1)), Optional.empty());
                            latencies.record(System.nanoTime() - began);
                            if (!(outcome instanceof BookingService.HoldOutcome.Held)) {
                                failed.incrementAndGet();
                            }
                        }
                        done.countDown();
                    });
                }
                done.await();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> perHold = new ArrayList<>();
            for (String operation : List.of("TransactWriteItems", "GetItem", "Query", "BatchGetItem", "PutItem", "UpdateItem")) {
                perHold.add(operation + " " + String.format("%.2f", calls.count(operation) / (double) holds));
            }
            Figures.OUT.printf("holds: %d in %.2f s with %d threads = %.0f holds/s; failed %d%n",
                    holds, seconds, threads, holds / seconds, failed.get());
            Figures.OUT.printf("hold latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    latencies.percentileMillis(50), latencies.percentileMillis(99), latencies.percentileMillis(100));
            Figures.OUT.println("DynamoDB calls per hold: " + String.join(", ", perHold));
        } finally {
            Figures.closeRedis();
            stack.close();
        }
    }
}
