package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.booking.BookingService;
import dev.onsale.booking.BookingStore;
import dev.onsale.booking.ExpiryMessage;
import dev.onsale.booking.HoldExpiryHandler;
import dev.onsale.booking.HoldExpiryQueue;
import dev.onsale.booking.HoldRequest;
import dev.onsale.booking.Payments;
import dev.onsale.catalog.CatalogService;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Log;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real calls through the local gateway to the template's functions (in this JVM), reading the lines they
 * write to standard output: one log line and one metrics document per request, with the right fields and
 * counts, and none of the secrets the client sent.
 */
@ExtendWith(EmbeddedStack.class)
class ObservabilityIT {
    private static final AtomicLong USERS = new AtomicLong(System.nanoTime() % 1_000_000 * 1_000 + 700_000_000);
    private static final String IDEMPOTENCY_KEY = "observability-key-" + System.nanoTime();
    private static final String BEARER = "Bearer observability.secret.jwt";
    private static final String ACCESS_TOKEN = "wr1.observability-access.signature";

    private final LocalStack stack;
    private final Gateway api;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private AutoCloseable tap;

    ObservabilityIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    @BeforeEach
    void tapTheLog() {
        tap = Log.tap(lines::add);
    }

    @AfterEach
    void untap() throws Exception {
        tap.close();
    }

    private static String newUser() {
        return "obs" + USERS.incrementAndGet();
    }

    private long newEvent() {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert("Observability", 1));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("id").asLong();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not one JSON object: " + line, e);
        }
    }

    /** The request log line of {@code user}'s call of {@code route} answered {@code status}. */
    private JsonNode logLine(String user, String route, int status) {
        List<JsonNode> found = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = parse(line);
            if (user.equals(node.path("user_id").asText()) && route.equals(node.path("route").asText())
                    && node.path("status").asInt() == status) {
                found.add(node);
            }
        }
        assertFalse(found.isEmpty(), "no line for " + user + " " + route + " " + status + " in " + lines);
        return found.getLast();
    }

    /** The metrics document of the request {@code requestId}: exactly one. */
    private JsonNode metricsOf(String requestId) {
        List<JsonNode> found = lines.stream().map(ObservabilityIT::parse)
                .filter(node -> node.has("_aws") && requestId.equals(node.path("request_id").asText())).toList();
        assertEquals(1, found.size(), "metrics documents of " + requestId + ": " + found);
        JsonNode document = found.getFirst();
        JsonNode directive = document.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("onsale", directive.get("Namespace").asText());
        return document;
    }

    @Test
    void aHoldAConflictAndAThrottledSeatMapEachWriteOneLineAndTheirMetrics() {
        long eventId = newEvent();
        String holder = newUser();
        String loser = newUser();
        String poller = newUser();
        String hold = "{\"event_id\": " + eventId + ", \"seat_ids\": [5, 6]}";

        Gateway.Reply held = api.post("/api/v1/bookings?user_id=" + holder, hold, "Idempotency-Key", IDEMPOTENCY_KEY,
                "Authorization", BEARER, "X-Waiting-Room-Token", ACCESS_TOKEN);
        assertEquals(201, held.status(), held.body());
        Gateway.Reply conflict = api.post("/api/v1/bookings?user_id=" + loser, hold);
        assertEquals(409, conflict.status(), conflict.body());
        Gateway.Reply throttled = null;
        for (int i = 0; i < 40 && (throttled == null || throttled.status() != 429); i++) {
            throttled = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + poller);
        }
        assertEquals(429, throttled.status(), throttled.body());

        JsonNode holdLine = logLine(holder, "POST /api/v1/bookings", 201);
        assertEquals("INFO", holdLine.get("level").asText());
        assertEquals("/api/v1/bookings", holdLine.get("path").asText(), "no query string: it may carry a token");
        assertEquals("POST", holdLine.get("method").asText());
        assertTrue(holdLine.get("latency_ms").asDouble() > 0);
        assertTrue(holdLine.get("AWSRequestId").asText().length() > 10, holdLine.toString());
        assertEquals("127.0.0.1", holdLine.get("source_ip").asText());
        assertEquals(12, holdLine.get("idempotency_key_hash").asText().length());
        JsonNode holdMetrics = metricsOf(holdLine.get("request_id").asText());
        assertEquals(1, holdMetrics.get("HoldsCreated").asInt());
        assertEquals(1, holdMetrics.get("Requests").asInt());
        assertEquals("2xx", holdMetrics.get("StatusClass").asText());
        assertEquals("POST /api/v1/bookings", holdMetrics.get("Route").asText());

        JsonNode conflictLine = logLine(loser, "POST /api/v1/bookings", 409);
        assertEquals("seats_unavailable", conflictLine.get("error").asText());
        JsonNode conflictMetrics = metricsOf(conflictLine.get("request_id").asText());
        assertEquals(1, conflictMetrics.get("HoldConflicts").asInt());
        assertEquals("4xx", conflictMetrics.get("StatusClass").asText());
        assertFalse(conflictMetrics.has("HoldsCreated"));

        JsonNode throttledLine = logLine(poller, "GET /api/v1/events/{event_id}/seats", 429);
        assertEquals("rate_limit_exceeded", throttledLine.get("error").asText());
        assertEquals("seatmap", throttledLine.get("rule").asText());
        assertEquals("/api/v1/events/" + eventId + "/seats", throttledLine.get("path").asText());
        JsonNode throttledMetrics = metricsOf(throttledLine.get("request_id").asText());
        assertEquals(1, throttledMetrics.get("Throttled").asInt());
        assertEquals("seatmap", throttledMetrics.get("Rule").asText());

        for (String line : lines) {
            for (String secret : List.of(IDEMPOTENCY_KEY, BEARER, "observability.secret", ACCESS_TOKEN, "user_id=")) {
                assertFalse(line.contains(secret), secret + " leaked into " + line);
            }
        }
    }

    @Test
    void theWaitingRoomReportsItsLineAndItsAdmissionsFromTheCallsItMakesAnyway() {
        long eventId = newEvent();
        String fan = newUser();
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=5&session_duration=60&user_id="
                + newUser(), "").status());

        Gateway.Reply joined = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=" + fan, "");
        assertEquals(200, joined.status(), joined.body());
        String queueToken = joined.json().get("token").asText();
        Gateway.Reply status = api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + queueToken);
        assertEquals("admitted", status.json().get("status").asText(), status.body());

        JsonNode joinMetrics = metricsOf(logLine(fan, "POST /api/v1/events/{event_id}/waiting-room/join", 200)
                .get("request_id").asText());
        assertEquals(String.valueOf(eventId), joinMetrics.get("EventId").asText());
        assertEquals(1, joinMetrics.get("WaitingRoomQueueSize").asInt());

        JsonNode statusLine = lines.stream().map(ObservabilityIT::parse)
                .filter(node -> ("/api/v1/events/" + eventId + "/waiting-room/status").equals(node.path("path").asText()))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError(lines.toString()));
        JsonNode statusMetrics = metricsOf(statusLine.get("request_id").asText());
        assertEquals(1, statusMetrics.get("Admissions").asInt());
        assertEquals(0, statusMetrics.get("WaitingRoomQueueSize").asInt());
        for (String line : lines) {
            assertFalse(line.contains(queueToken), "the queue token leaked into " + line);
        }
    }

    @Test
    void theExpiryFunctionWritesOneLineAndCountsWhatItExpired() throws Exception {
        Config config = EmbeddedStack.adminConfig("HoldExpiryFunction"); // the test holds (the create-booking function's part) too
        long eventId = newEvent();
        // expiry messages go to the dead-letter queue, which no function polls: this test delivers its own
        BookingService bookings = new BookingService(
                new BookingStore(AwsClients.dynamoDb(config), config.bookingsTable(), config.seatsTable(), config.idempotencyTable()),
                CatalogService.create(config),
                new HoldExpiryQueue(AwsClients.sqs(config), stack.physicalId("HoldExpiryDeadLetterQueue")),
                dev.onsale.booking.SimulatedPayments.of(config), Clock.systemUTC(), RandomGenerator.getDefault(),
                BookingService.Settings.of(config).withHoldTime(Duration.ofSeconds(1)));
        var held = assertInstanceOf(BookingService.HoldOutcome.Held.class,
                bookings.hold(newUser(), new HoldRequest(eventId, List.of(30L)), Optional.empty()));
        Thread.sleep(1_500);
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("observability-" + held.booking().id());
        message.setBody(Json.write(new ExpiryMessage(held.booking().id()))); // the queue's message, as the hold sent it
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));

        new HoldExpiryHandler(bookings).handleRequest(event, null);

        List<JsonNode> written = lines.stream().map(ObservabilityIT::parse).toList();
        JsonNode batch = written.stream().filter(node -> node.path("message").asText().startsWith("hold-expiry batch"))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError(lines.toString()));
        assertEquals(1, batch.get("messages").asInt());
        assertEquals(0, batch.get("failed").asInt());
        JsonNode metrics = written.stream().filter(node -> node.has("_aws") && node.has("HoldsExpired"))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError(lines.toString()));
        assertEquals(1, metrics.get("HoldsExpired").asInt());
        assertEquals("HoldExpiry", metrics.get("Function").asText());
    }
}
