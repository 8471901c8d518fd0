package dev.onsale.deploy;

import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The catalog and booking flows with DynamoDB and SQS served by a real LocalStack container instead
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
}
