package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewEventTest {
    private static final Instant NOW = Instant.parse("2027-01-01T12:00:00Z");

    private static NewEvent.NewSection section(String name, int rows, int perRow, String price) {
        return new NewEvent.NewSection(name, rows, perRow, new BigDecimal(price));
    }

    private static NewEvent event(List<NewEvent.NewSection> sections) {
        return new NewEvent("Concert", "Arena", "2027-06-01T19:30:00Z", sections, null, null, null);
    }

    @Test
    void seatsAreNumberedSectionAfterSection() {
        Event event = event(List.of(section("Floor", 2, 10, "150"), section("Balcony", 3, 5, "75.5")))
                .toEvent(7, Instant.EPOCH);
        assertEquals(35, event.totalSeats());
        Section balcony = event.sections().get(1);
        assertEquals(21, balcony.firstSeatId());
        assertEquals(35, balcony.lastSeatId());
        assertEquals(new BigDecimal("75.50"), balcony.price());
        assertEquals(2, balcony.rowOf(26));
        assertEquals(1, balcony.numberOf(26));
        assertEquals(Optional.of(balcony), event.sectionOf(35));
        assertEquals(Optional.empty(), event.sectionOf(36));
    }

    @Test
    void aWellFormedEventHasNoProblem() {
        assertEquals(Optional.empty(), event(List.of(section("Floor", 10, 10, "1"))).problem(1000, NOW));
    }

    @Test
    void tooManySeatsIsAProblem() {
        Optional<String> problem = event(List.of(section("Floor", 100, 100, "1"))).problem(9_999, NOW);
        assertTrue(problem.orElseThrow().contains("at most 9999 seats"), problem.toString());
    }

    @Test
    void eachMalformedFieldIsNamed() {
        assertTrue(new NewEvent("", "Arena", "2027-06-01T19:30:00Z", List.of(section("A", 1, 1, "1")), null, null, null)
                .problem(10, NOW).orElseThrow().startsWith("name"));
        assertTrue(new NewEvent("C", "Arena", "next friday", List.of(section("A", 1, 1, "1")), null, null, null)
                .problem(10, NOW).orElseThrow().startsWith("starts_at"));
        assertTrue(event(List.of()).problem(10, NOW).orElseThrow().startsWith("sections"));
        assertTrue(event(List.of(section("A", 0, 1, "1"))).problem(10, NOW).orElseThrow().contains(".rows"));
        assertTrue(event(List.of(section("A", 1, 1, "-1"))).problem(10, NOW).orElseThrow().contains(".price"));
        assertTrue(event(List.of(section("A", 1, 1, "1.001"))).problem(10, NOW).orElseThrow().contains(".price"));
        assertTrue(event(List.of(section("A", 1, 1, "1"), section("A", 1, 1, "1"))).problem(10, NOW).orElseThrow()
                .contains("repeats"));
        assertTrue(event(List.of(new NewEvent.NewSection("A", null, 1, BigDecimal.ONE))).problem(10, NOW).orElseThrow()
                .contains(".rows"));
    }

    private static NewEvent onSale(String onSaleAt, String offSaleAt) {
        return new NewEvent("Concert", "Arena", "2027-06-01T19:30:00Z", List.of(section("A", 1, 1, "1")), onSaleAt, offSaleAt, null);
    }

    @Test
    void withoutASaleWindowTheEventIsOnSaleFromItsCreationWithoutEnd() {
        Event event = onSale(null, null).toEvent(7, NOW);
        assertEquals(NOW, event.onSaleAt());
        assertEquals(Optional.empty(), event.offSale());
    }

    @Test
    void theSaleWindowIsKeptAsSent() {
        NewEvent request = onSale("2027-02-01T10:00:00+01:00", "2027-03-01T09:00:00Z");
        assertEquals(Optional.empty(), request.problem(10, NOW));
        Event event = request.toEvent(7, NOW);
        assertEquals(Instant.parse("2027-02-01T09:00:00Z"), event.onSaleAt());
        assertEquals(Optional.of(Instant.parse("2027-03-01T09:00:00Z")), event.offSale());
    }

    @Test
    void badSaleTimesAreNamed() {
        assertTrue(onSale("tomorrow", null).problem(10, NOW).orElseThrow().startsWith("on_sale_at must be an ISO-8601"));
        assertTrue(onSale("", null).problem(10, NOW).orElseThrow().startsWith("on_sale_at"));
        assertTrue(onSale("2027-02-01T10:00:00", null).problem(10, NOW).orElseThrow().startsWith("on_sale_at"), "no offset");
        assertTrue(onSale(null, "soon").problem(10, NOW).orElseThrow().startsWith("off_sale_at must be an ISO-8601"));
    }

    @Test
    void theSaleMustEndAfterItOpens() {
        assertEquals("off_sale_at must be after on_sale_at",
                onSale("2027-02-01T10:00:00Z", "2027-02-01T10:00:00Z").problem(10, NOW).orElseThrow());
        assertEquals("off_sale_at must be after on_sale_at",
                onSale("2027-02-01T10:00:00Z", "2027-01-15T10:00:00Z").problem(10, NOW).orElseThrow());
        assertEquals("off_sale_at must be after on_sale_at (absent: the time of creation, now)",
                onSale(null, "2026-12-31T12:00:00Z").problem(10, NOW).orElseThrow());
        assertEquals(Optional.empty(), onSale(null, "2027-01-01T12:00:01Z").problem(10, NOW));
    }
}
