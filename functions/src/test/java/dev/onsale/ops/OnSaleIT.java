package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.http.RefusalTally;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /api/v1/events/{event_id}/on-sale} on the local stack: the seats by state, and the fleet's 429s by rule. */
@ExtendWith(EmbeddedStack.class)
class OnSaleIT {
    private final Gateway api;

    OnSaleIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    private JsonNode onSale(long eventId, Predicate<JsonNode> until) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(20);
        while (true) {
            Gateway.Reply reply = api.get("/api/v1/events/" + eventId + "/on-sale?minutes=5&user_id=ops-1");
            assertEquals(200, reply.status(), reply.body());
            if (until.test(reply.json()) || Instant.now().isAfter(giveUp)) {
                return reply.json();
            }
            Thread.sleep(200);
        }
    }

    private static long refused(JsonNode figures, String rule) {
        return figures.at("/refusals/by_rule/" + rule).asLong(0);
    }

    @Test
    void theSeatsByStateAlsoWhileTheRoomIsOn() throws Exception {
        long eventId = api.post("/api/v1/events", Events.concert("On-sale figures", 1)).json().get("id").asLong();
        JsonNode event = api.get("/api/v1/events/" + eventId).json();
        long first = event.get("sections").get(0).get("first_seat_id").asLong();
        assertEquals(201, api.post("/api/v1/bookings?user_id=onsale-a", "{\"event_id\": " + eventId + ", \"seat_ids\": ["
                + first + ", " + (first + 1) + "]}").status());
        Gateway.Reply sold = api.post("/api/v1/bookings?user_id=onsale-b", "{\"event_id\": " + eventId + ", \"seat_ids\": [" + (first + 2) + "]}");
        assertEquals(201, sold.status(), sold.body());
        assertEquals(200, api.post("/api/v1/bookings/" + sold.json().get("id").asLong() + "/confirm?user_id=onsale-b", "").status());
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=1", "").status());

        JsonNode figures = onSale(eventId, f -> f.at("/seats/sold").asInt() == 1 && f.at("/seats/held").asInt() == 2);
        assertEquals(eventId, figures.get("event_id").asLong());
        assertEquals(250, figures.at("/seats/total").asInt(), figures.toString());
        assertEquals(2, figures.at("/seats/held").asInt(), figures.toString());
        assertEquals(1, figures.at("/seats/sold").asInt(), figures.toString());
        assertEquals(247, figures.at("/seats/available").asInt(), figures.toString());
        assertEquals(5, figures.at("/refusals/per_minute").size(), "one entry per minute asked for");
        assertEquals(403, api.get("/api/v1/events/" + eventId + "/seats?user_id=onsale-c").status(),
                "the fans' seat map is behind the room meanwhile");

        assertEquals(404, api.get("/api/v1/events/987654321/on-sale?user_id=ops-1").status());
        assertEquals(400, api.get("/api/v1/events/" + eventId + "/on-sale?minutes=61&user_id=ops-1").status());
    }

    @Test
    void the429sOfEveryRouteAreCountedByRuleWithoutARoundTripOfTheirOwn() throws Exception {
        long eventId = api.post("/api/v1/events", Events.concert("Refusal tally", 1)).json().get("id").asLong();
        JsonNode before = onSale(eventId, f -> true);
        // one user over the seat map's per-user limit (20 a minute): the rest are 429s
        int refusedHere = 0;
        String rule = null;
        for (int i = 0; i < 30; i++) {
            Gateway.Reply reply = api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=tally-fan");
            if (reply.status() == 429) {
                refusedHere++;
            }
        }
        assertTrue(refusedHere >= 5, refusedHere + " refused");
        // the counts go to Redis with a guard check at least FLUSH_EVERY after the last flush
        Thread.sleep(RefusalTally.FLUSH_EVERY.toMillis() + 200);
        api.get("/api/v1/events/" + eventId + "/seats?format=compact&user_id=tally-other");
        int expected = refusedHere;
        JsonNode after = onSale(eventId, f -> total(f) - total(before) >= expected);
        assertTrue(total(after) - total(before) >= refusedHere, before + " -> " + after + ", " + refusedHere + " refused");
        JsonNode perMinute = after.at("/refusals/per_minute");
        long summed = 0;
        for (JsonNode minute : perMinute) {
            for (JsonNode count : minute.get("by_rule")) {
                summed += count.asLong();
            }
        }
        assertEquals(total(after), summed, "by_rule is the sum of the minutes");
    }

    private static long total(JsonNode figures) {
        long sum = 0;
        for (JsonNode count : figures.at("/refusals/by_rule")) {
            sum += count.asLong();
        }
        return sum;
    }
}
