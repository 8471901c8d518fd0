package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SeatMapViewTest {
    private static final Instant NOW = Instant.parse("2027-01-01T12:00:00Z");
    private final Event event = new Event(3, "Show", "Hall", NOW, List.of(
            new Section("Floor", 1, 3, new BigDecimal("100.00"), 1),
            new Section("Balcony", 1, 2, new BigDecimal("50.00"), 4)), 5, NOW);

    private static List<SeatState> states(SeatState... changed) {
        List<SeatState> all = new ArrayList<>();
        for (int seat = 1; seat <= 5; seat++) {
            all.add(new SeatState(seat, SeatStatus.AVAILABLE, 0));
        }
        for (SeatState state : changed) {
            all.set(state.seatId() - 1, state);
        }
        return all;
    }

    @Test
    void fullFormListsEverySeatWithItsStatus() throws IOException {
        SeatMapView view = SeatMapView.render(event, states(
                new SeatState(2, SeatStatus.SOLD, 0),
                new SeatState(4, SeatStatus.HELD, NOW.plusSeconds(60).toEpochMilli())), NOW);
        JsonNode full = Json.MAPPER.readTree(view.full());
        assertEquals(3, full.get("event_id").asInt());
        assertEquals(5, full.get("total_seats").asInt());
        assertEquals(3, full.get("available_seats").asInt());
        JsonNode seat4 = full.get("seats").get(3);
        assertEquals(4, seat4.get("id").asInt());
        assertEquals("Balcony", seat4.get("section").asText());
        assertEquals(1, seat4.get("row").asInt());
        assertEquals(1, seat4.get("number").asInt());
        assertEquals(new BigDecimal("50.00"), seat4.get("price").decimalValue());
        assertEquals("HELD", seat4.get("status").asText());
        assertEquals("SOLD", full.get("seats").get(1).get("status").asText());
    }

    @Test
    void compactFormHasOneLetterPerSeatPerSection() throws IOException {
        SeatMapView view = SeatMapView.render(event, states(new SeatState(2, SeatStatus.SOLD, 0)), NOW);
        JsonNode compact = Json.MAPPER.readTree(view.compact());
        assertEquals("ASA", compact.get("sections").get(0).get("seats").asText());
        assertEquals("AA", compact.get("sections").get(1).get("seats").asText());
        assertEquals(4, compact.get("sections").get(1).get("first_seat_id").asInt());
        assertEquals("SOLD", compact.get("status_codes").get("S").asText());
    }

    @Test
    void anExpiredHoldShowsAsAvailable() throws IOException {
        SeatMapView view = SeatMapView.render(event, states(new SeatState(1, SeatStatus.HELD, NOW.toEpochMilli() - 1)), NOW);
        assertEquals(5, Json.MAPPER.readTree(view.full()).get("available_seats").asInt());
    }

    @Test
    void gzipFormsDecompressToThePlainForms() throws IOException {
        SeatMapView view = SeatMapView.render(event, states(), NOW);
        assertEquals(view.full(), gunzip(view.fullGzip()));
        assertEquals(view.compact(), gunzip(view.compactGzip()));
    }

    @Test
    void etagChangesWithAnySeatAndOnlyThen() {
        String before = SeatMapView.render(event, states(), NOW).etag();
        assertEquals(before, SeatMapView.render(event, states(), NOW.plusSeconds(5)).etag());
        assertNotEquals(before, SeatMapView.render(event, states(new SeatState(5, SeatStatus.SOLD, 0)), NOW).etag());
    }

    private static String gunzip(String base64) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
