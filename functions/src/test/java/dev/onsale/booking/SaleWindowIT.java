package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sale window through the local gateway: a hold is taken only between {@code on_sale_at} and {@code off_sale_at}. */
@ExtendWith(EmbeddedStack.class)
class SaleWindowIT {
    private final Gateway api;

    SaleWindowIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    private static String fan() {
        return "sale-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private JsonNode createEvent(String name, String window) {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert(name, 1, window));
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    private Gateway.Reply hold(long eventId, int seat) {
        return api.post("/api/v1/bookings?user_id=" + fan(), "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seat + "]}");
    }

    @Test
    void aHoldBeforeTheOpeningIsRefusedWithRetryAfterAndTheWindow() {
        Instant opens = now().plusSeconds(3600);
        Instant closes = opens.plusSeconds(3600);
        long eventId = createEvent("Not yet", "\"on_sale_at\": \"" + opens + "\", \"off_sale_at\": \"" + closes + "\"")
                .get("id").asLong();

        Gateway.Reply refused = hold(eventId, 1);

        assertEquals(403, refused.status(), refused.body());
        assertEquals("not_on_sale", refused.json().get("error").asText());
        assertEquals(opens.toString(), refused.json().get("on_sale_at").asText());
        assertEquals(closes.toString(), refused.json().get("off_sale_at").asText());
        assertTrue(refused.json().get("detail").asText().contains(opens.toString()), refused.body());
        long retryAfter = Long.parseLong(refused.header("retry-after").orElseThrow());
        assertTrue(retryAfter > 3500 && retryAfter <= 3600, "whole seconds until the opening: " + retryAfter);
    }

    @Test
    void aHoldAfterTheCloseIsRefusedWithoutRetryAfter() {
        Instant opens = now().minusSeconds(7200);
        Instant closes = now().minusSeconds(3600);
        long eventId = createEvent("Over", "\"on_sale_at\": \"" + opens + "\", \"off_sale_at\": \"" + closes + "\"")
                .get("id").asLong();

        Gateway.Reply refused = hold(eventId, 1);

        assertEquals(403, refused.status(), refused.body());
        assertEquals("not_on_sale", refused.json().get("error").asText());
        assertEquals(opens.toString(), refused.json().get("on_sale_at").asText());
        assertEquals(closes.toString(), refused.json().get("off_sale_at").asText());
        assertTrue(refused.header("retry-after").isEmpty(), "waiting will not help: " + refused.headers());
    }

    @Test
    void aHoldInsideTheWindowIsTaken() {
        long eventId = createEvent("Open", "\"on_sale_at\": \"" + now().minusSeconds(60) + "\", \"off_sale_at\": \""
                + now().plusSeconds(3600) + "\"").get("id").asLong();

        Gateway.Reply held = hold(eventId, 1);

        assertEquals(201, held.status(), held.body());
    }

    @Test
    void theSaleOpensWhenRetryAfterSaid() throws InterruptedException {
        long eventId = createEvent("Soon", "\"on_sale_at\": \"" + Instant.now().plusMillis(1500) + "\"").get("id").asLong();
        Gateway.Reply refused = hold(eventId, 1);
        assertEquals(403, refused.status(), refused.body());
        assertFalse(refused.json().has("off_sale_at"), "no end, so none named: " + refused.body());
        long retryAfter = Long.parseLong(refused.header("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "rounded up: " + retryAfter);

        Thread.sleep(retryAfter * 1000);

        Gateway.Reply held = hold(eventId, 1);
        assertEquals(201, held.status(), held.body());
    }

    @Test
    void withoutASaleWindowTheEventIsBookableAtOnceAndShowsItsWindow() {
        Gateway.Reply created = api.post("/api/v1/events", Events.concert("No window", 1));
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();
        assertEquals(created.json().get("created_at"), created.json().get("on_sale_at"), "on sale from its creation");
        assertTrue(created.json().get("off_sale_at").isNull(), created.body());

        assertEquals(201, hold(eventId, 1).status());

        JsonNode read = api.get("/api/v1/events/" + eventId).json();
        assertEquals(created.json().get("on_sale_at"), read.get("on_sale_at"));
        assertTrue(read.get("off_sale_at").isNull());
    }

    @Test
    void theWindowIsAnsweredByGetAndList() {
        Instant opens = now().plusSeconds(600);
        Instant closes = opens.plusSeconds(600);
        long eventId = createEvent("Shown", "\"on_sale_at\": \"" + opens.atOffset(java.time.ZoneOffset.ofHours(2))
                + "\", \"off_sale_at\": \"" + closes + "\"").get("id").asLong();

        JsonNode read = api.get("/api/v1/events/" + eventId).json();
        assertEquals(opens.toString(), read.get("on_sale_at").asText(), "kept as an instant, in UTC");
        assertEquals(closes.toString(), read.get("off_sale_at").asText());
        JsonNode listed = api.get("/api/v1/events?limit=50").json().get("events");
        JsonNode mine = java.util.stream.StreamSupport.stream(listed.spliterator(), false)
                .filter(e -> e.get("id").asLong() == eventId).findFirst().orElseThrow();
        assertEquals(opens.toString(), mine.get("on_sale_at").asText());
        assertEquals(closes.toString(), mine.get("off_sale_at").asText());
    }

    @Test
    void badSaleTimesAre422AndNameTheField() {
        Map<String, String> cases = Map.of(
                "\"on_sale_at\": \"next friday\"", "on_sale_at must be an ISO-8601 date-time",
                "\"on_sale_at\": \"2027-03-01T10:00:00\"", "on_sale_at must be an ISO-8601 date-time",
                "\"off_sale_at\": \"2027-02-30T10:00:00Z\"", "off_sale_at must be an ISO-8601 date-time",
                "\"on_sale_at\": \"2027-03-01T10:00:00Z\", \"off_sale_at\": \"2027-03-01T10:00:00Z\"", "off_sale_at must be after on_sale_at",
                "\"off_sale_at\": \"" + now().minusSeconds(60) + "\"", "off_sale_at must be after on_sale_at (absent: the time of creation, now)",
                "\"on_sale_at\": 1767261600", "on_sale_at must be an ISO-8601 date-time");
        cases.forEach((window, detail) -> {
            Gateway.Reply refused = api.post("/api/v1/events", Events.concert("Bad window", 1, window));
            assertEquals(422, refused.status(), window + ": " + refused.body());
            assertEquals("validation_failed", refused.json().get("error").asText());
            assertTrue(refused.json().get("detail").asText().startsWith(detail), window + ": " + refused.body());
        });
    }

    /** An item the events table held before sale windows existed: no onSaleAt, no offSaleAt. */
    @Test
    void anEventStoredBeforeSaleWindowsIsOnSaleSinceItsCreation() {
        Config config = EmbeddedStack.config("CreateEventFunction");
        DynamoDbClient dynamo = Stacks.dynamoDb(config);
        long eventId = new CatalogStore(() -> dynamo, config.eventsTable(), config.seatsTable()).nextEventId();
        String createdAt = "2025-01-01T00:00:00Z";
        dynamo.putItem(b -> b.tableName(config.eventsTable()).item(Map.of(
                "eventId", AttributeValue.fromN(Long.toString(eventId)),
                "name", AttributeValue.fromS("Legacy"),
                "venue", AttributeValue.fromS("Old Hall"),
                "startsAt", AttributeValue.fromS("2027-06-01T19:30:00Z"),
                "sections", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                        "name", AttributeValue.fromS("Floor"), "rows", AttributeValue.fromN("1"),
                        "seatsPerRow", AttributeValue.fromN("10"), "price", AttributeValue.fromN("20"),
                        "firstSeatId", AttributeValue.fromN("1"))))),
                "totalSeats", AttributeValue.fromN("10"),
                "createdAt", AttributeValue.fromS(createdAt))));

        JsonNode read = api.get("/api/v1/events/" + eventId).json();
        assertEquals(createdAt, read.get("on_sale_at").asText());
        assertTrue(read.get("off_sale_at").isNull());
        Gateway.Reply held = hold(eventId, 1);
        assertEquals(201, held.status(), held.body());
    }
}
