package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SeatMapViewTest {
    private static final Instant NOW = Instant.parse("2027-01-01T12:00:00Z");
    private final Event event = new Event(3, "Show", "Hall", NOW, List.of(
            new Section("Floor", 1, 3, new BigDecimal("100.00"), 1),
            new Section("Balcony", 1, 2, new BigDecimal("50.00"), 4)), 5, NOW, NOW, null);

    private static List<SeatState> states(SeatState... changed) {
        List<SeatState> all = new ArrayList<>();
        for (int seat = 1; seat <= 5; seat++) {
            all.add(seat(seat, SeatStatus.AVAILABLE, 0));
        }
        for (SeatState state : changed) {
            all.set(state.seatId() - 1, state);
        }
        return all;
    }

    private static SeatState seat(int seatId, SeatStatus status, long holdExpiresAt) {
        return new SeatState(3, seatId, 1, status, holdExpiresAt);
    }

    private static final SeatMapView.Form FULL = new SeatMapView.Form(SeatMapView.Format.FULL, Optional.empty(), false);
    private static final SeatMapView.Form COMPACT = new SeatMapView.Form(SeatMapView.Format.COMPACT, Optional.empty(), false);

    private SeatMapView view(List<SeatState> seats, Instant now) {
        return SeatMapView.of(event, "g.1", seats, now);
    }

    @Test
    void fullFormListsEverySeatWithItsStatus() throws IOException {
        SeatMapView view = view(states(
                seat(2, SeatStatus.SOLD, 0),
                seat(4, SeatStatus.HELD, NOW.plusSeconds(60).toEpochMilli())), NOW);
        JsonNode full = Json.MAPPER.readTree(view.body(FULL));
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
        JsonNode compact = Json.MAPPER.readTree(view(states(seat(2, SeatStatus.SOLD, 0)), NOW).body(COMPACT));
        assertEquals("ASA", compact.get("sections").get(0).get("seats").asText());
        assertEquals("AA", compact.get("sections").get(1).get("seats").asText());
        assertEquals(4, compact.get("sections").get(1).get("first_seat_id").asInt());
        assertEquals("SOLD", compact.get("status_codes").get("S").asText());
    }

    @Test
    void oneSectionIsServedAloneWithTheWholeEventsCounts() throws IOException {
        SeatMapView view = view(states(seat(5, SeatStatus.SOLD, 0)), NOW);
        JsonNode full = Json.MAPPER.readTree(view.body(new SeatMapView.Form(SeatMapView.Format.FULL, Optional.of("Balcony"), false)));
        assertEquals("Balcony", full.get("section").asText());
        assertEquals(2, full.get("seats").size());
        assertEquals(4, full.get("seats").get(0).get("id").asInt());
        assertEquals("SOLD", full.get("seats").get(1).get("status").asText());
        assertEquals(4, full.get("available_seats").asInt());
        JsonNode compact = Json.MAPPER.readTree(view.body(new SeatMapView.Form(SeatMapView.Format.COMPACT, Optional.of("Balcony"), false)));
        assertEquals(1, compact.get("sections").size());
        assertEquals("AS", compact.get("sections").get(0).get("seats").asText());
    }

    @Test
    void anExpiredHoldShowsAsAvailable() throws IOException {
        SeatMapView view = view(states(seat(1, SeatStatus.HELD, NOW.toEpochMilli() - 1)), NOW);
        assertEquals(5, Json.MAPPER.readTree(view.body(FULL)).get("available_seats").asInt());
    }

    @Test
    void aMapNeedsOneStatePerSeat() {
        assertThrows(IllegalArgumentException.class, () -> view(states().subList(0, 4), NOW));
    }

    @Test
    void gzipFormsDecompressToThePlainFormsAndAreBuiltOnce() throws IOException {
        SeatMapView view = view(states(), NOW);
        SeatMapView.Form fullGzip = new SeatMapView.Form(SeatMapView.Format.FULL, Optional.empty(), true);
        assertEquals(view.body(FULL), gunzip(view.body(fullGzip)));
        assertEquals(view.body(COMPACT), gunzip(view.body(new SeatMapView.Form(SeatMapView.Format.COMPACT, Optional.empty(), true))));
        assertSame(view.body(fullGzip), view.body(fullGzip), "compressed once per version, then served as it is");
    }

    private static String gunzip(String base64) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
