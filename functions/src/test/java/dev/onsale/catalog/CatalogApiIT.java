package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The catalog routes through the local gateway, on DynamoDB Local and redis-server. */
@ExtendWith(EmbeddedStack.class)
class CatalogApiIT {
    private final Gateway api;

    CatalogApiIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    private JsonNode createEvent(String name, int floorRows) {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert(name, floorRows));
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void createdEventHasItsSeatsLaidOutSectionAfterSection() {
        Gateway.Reply reply = api.post("/api/v1/events", Events.concert("Layout", 4));
        assertEquals(201, reply.status(), reply.body());
        JsonNode event = reply.json();
        long id = event.get("id").asLong();
        assertEquals("/api/v1/events/" + id, reply.header("location").orElseThrow());
        assertEquals(400, event.get("total_seats").asInt());
        assertEquals(1, event.get("sections").get(0).get("first_seat_id").asInt());
        assertEquals(200, event.get("sections").get(0).get("last_seat_id").asInt());
        assertEquals(201, event.get("sections").get(1).get("first_seat_id").asInt());
        assertEquals("75.50", event.get("sections").get(1).get("price").decimalValue().toPlainString());

        JsonNode read = api.get("/api/v1/events/" + id).json();
        assertEquals("Layout", read.get("name").asText());
        assertEquals("2027-06-01T19:30:00Z", read.get("starts_at").asText());
        assertEquals(event.get("sections"), read.get("sections"));
    }

    @Test
    void seatMapAnswersTheSeedsQueryWithEverySeatAvailable() {
        long id = createEvent("Seed map", 2).get("id").asLong();
        Gateway.Reply reply = api.get("/api/v1/events/" + id + "/seats?user_id=1");
        assertEquals(200, reply.status(), reply.body());
        JsonNode map = reply.json();
        assertEquals(id, map.get("event_id").asLong());
        assertEquals(300, map.get("total_seats").asInt());
        assertEquals(300, map.get("available_seats").asInt());
        assertEquals(300, map.get("seats").size());
        JsonNode seat201 = map.get("seats").get(200);
        assertEquals(201, seat201.get("id").asInt());
        assertEquals("Balcony", seat201.get("section").asText());
        assertEquals("AVAILABLE", seat201.get("status").asText());
    }

    @Test
    void compactSeatMapHasOneLetterPerSeat() {
        long id = createEvent("Compact", 2).get("id").asLong();
        JsonNode map = api.get("/api/v1/events/" + id + "/seats?format=compact&user_id=1").json();
        assertEquals("compact", map.get("format").asText());
        assertEquals("A".repeat(100), map.get("sections").get(0).get("seats").asText());
        assertEquals(101, map.get("sections").get(1).get("first_seat_id").asInt());
    }

    @Test
    void aSeatMapReaderWithoutAUserIs401() {
        long id = createEvent("Nobody", 1).get("id").asLong();
        Gateway.Reply anonymous = api.get("/api/v1/events/" + id + "/seats?format=compact");
        assertEquals(401, anonymous.status(), "a per-user limit can't count a caller without a user: " + anonymous.body());
        assertEquals("unauthorized", anonymous.json().get("error").asText());
        assertEquals(200, api.get("/api/v1/events/" + id + "/seats?format=compact&user_id=1").status());
    }

    @Test
    void oneSectionIsAnsweredAloneAndAnUnknownOneIs404() {
        long id = createEvent("Sections", 2).get("id").asLong();
        JsonNode balcony = api.get("/api/v1/events/" + id + "/seats?format=compact&section=Balcony&user_id=1").json();
        assertEquals("Balcony", balcony.get("section").asText());
        assertEquals(1, balcony.get("sections").size());
        assertEquals(300, balcony.get("available_seats").asInt(), "the whole event's count");
        JsonNode full = api.get("/api/v1/events/" + id + "/seats?section=Balcony&user_id=1").json();
        assertEquals(200, full.get("seats").size());
        assertEquals(101, full.get("seats").get(0).get("id").asInt());

        Gateway.Reply unknown = api.get("/api/v1/events/" + id + "/seats?section=Mezzanine&user_id=1");
        assertEquals(404, unknown.status());
        assertEquals("section_not_found", unknown.json().get("error").asText());
        assertEquals(400, api.get("/api/v1/events/" + id + "/seats?section=&user_id=1").status());
    }

    @Test
    void aMatchingEtagGets304WithoutABody() {
        long id = createEvent("Etag", 1).get("id").asLong();
        String path = "/api/v1/events/" + id + "/seats?user_id=1";
        Gateway.Reply first = api.get(path);
        String etag = first.header("etag").orElseThrow();
        Gateway.Reply second = api.get(path, "if-none-match", etag);
        assertEquals(304, second.status());
        assertEquals(0, second.bytes().length);
        assertEquals(etag, second.header("etag").orElseThrow());
        Gateway.Reply compact = api.get(path + "&format=compact", "if-none-match", etag);
        assertEquals(200, compact.status(), "an ETag of the full form does not validate the compact form");
    }

    @Test
    void gzipIsServedWhenAccepted() throws IOException {
        long id = createEvent("Gzip", 1).get("id").asLong();
        Gateway.Reply reply = api.get("/api/v1/events/" + id + "/seats?user_id=1", "accept-encoding", "gzip");
        assertEquals("gzip", reply.header("content-encoding").orElseThrow());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(reply.bytes()))) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(json.startsWith("{\"event_id\":" + id), json.substring(0, 40));
        }
    }

    @Test
    void eventsAreListedNewestFirstAPageAtATime() {
        long first = createEvent("List one", 1).get("id").asLong();
        long second = createEvent("List two", 1).get("id").asLong();
        JsonNode page = api.get("/api/v1/events?limit=1&before=" + (second + 1)).json();
        assertEquals(1, page.get("events").size());
        assertEquals(second, page.get("events").get(0).get("id").asLong());
        assertEquals(second, page.get("next_before").asLong());
        JsonNode next = api.get("/api/v1/events?limit=1&before=" + page.get("next_before").asLong()).json();
        assertEquals(first, next.get("events").get(0).get("id").asLong());
        JsonNode latest = api.get("/api/v1/events").json();
        assertTrue(latest.get("events").get(0).get("id").asLong() >= second);
    }

    @Test
    void unknownEventIs404Json() {
        for (String path : new String[] {"/api/v1/events/999999", "/api/v1/events/999999/seats?user_id=1"}) {
            Gateway.Reply reply = api.get(path);
            assertEquals(404, reply.status(), path);
            assertEquals("event_not_found", reply.json().get("error").asText());
            assertFalse(reply.json().get("detail").asText().isBlank());
        }
    }

    @Test
    void badIdsAndParametersAre400() {
        assertEquals(400, api.get("/api/v1/events/abc").status());
        assertEquals(400, api.get("/api/v1/events/0/seats?user_id=1").status());
        assertEquals(400, api.get("/api/v1/events/1/seats?format=xml&user_id=1").status());
        assertEquals(400, api.get("/api/v1/events?limit=0").status());
        assertEquals("bad_request", api.get("/api/v1/events?before=x").json().get("error").asText());
    }

    @Test
    void badEventBodiesAreRefusedWithTheRightStatus() {
        assertEquals(400, api.post("/api/v1/events", "{\"name\": ").status());
        assertEquals(422, api.post("/api/v1/events", "{\"name\": \"x\"}").status());
        assertEquals(422, api.post("/api/v1/events", Events.concert("Huge", 5000)).status());
        assertEquals(422, api.post("/api/v1/events", "{\"name\": 5, \"sections\": \"many\"}").status());
        assertEquals(415, api.send("POST", "/api/v1/events", Events.concert("Text", 1), "content-type", "text/plain").status());
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405AsJson() {
        Gateway.Reply missing = api.get("/api/v1/nowhere");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.json().get("error").asText());
        Gateway.Reply wrongMethod = api.send("DELETE", "/api/v1/events", null);
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.json().get("error").asText());
        assertTrue(wrongMethod.header("allow").orElseThrow().contains("GET"));
    }

    @Test
    void anEventOfOneSeatBatchIsCreated() {
        // 25 seats or fewer are one DynamoDB batch: that path once answered 500 after writing the seats
        Gateway.Reply reply = api.post("/api/v1/events", """
                {"name": "Small", "venue": "Club", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [{"name": "A", "rows": 1, "seats_per_row": 2, "price": 10.00}]}
                """);
        assertEquals(201, reply.status(), reply.body());
        assertEquals(2, api.get("/api/v1/events/" + reply.json().get("id").asLong()).json().get("total_seats").asInt());
    }

    @Test
    void aCursorFarAboveEveryEventIsTheFirstPage() {
        // ?before=2147483648 once paged through two billion empty ids, 100 per DynamoDB call (found by HostileInputIT)
        createEvent("Cursor", 1);
        Gateway.Reply far = api.get("/api/v1/events?limit=3&before=900000000000000000");
        assertEquals(200, far.status(), far.body());
        assertEquals(api.get("/api/v1/events?limit=3").json().get("events"), far.json().get("events"));
    }
}
