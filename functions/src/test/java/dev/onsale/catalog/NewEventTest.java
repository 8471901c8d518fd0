package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewEventTest {
    private static NewEvent.NewSection section(String name, int rows, int perRow, String price) {
        return new NewEvent.NewSection(name, rows, perRow, new BigDecimal(price));
    }

    private static NewEvent event(List<NewEvent.NewSection> sections) {
        return new NewEvent("Concert", "Arena", "2027-06-01T19:30:00Z", sections);
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
        assertEquals(Optional.empty(), event(List.of(section("Floor", 10, 10, "1"))).problem(1000));
    }

    @Test
    void tooManySeatsIsAProblem() {
        Optional<String> problem = event(List.of(section("Floor", 100, 100, "1"))).problem(9_999);
        assertTrue(problem.orElseThrow().contains("at most 9999 seats"), problem.toString());
    }

    @Test
    void eachMalformedFieldIsNamed() {
        assertTrue(new NewEvent("", "Arena", "2027-06-01T19:30:00Z", List.of(section("A", 1, 1, "1")))
                .problem(10).orElseThrow().startsWith("name"));
        assertTrue(new NewEvent("C", "Arena", "next friday", List.of(section("A", 1, 1, "1")))
                .problem(10).orElseThrow().startsWith("starts_at"));
        assertTrue(event(List.of()).problem(10).orElseThrow().startsWith("sections"));
        assertTrue(event(List.of(section("A", 0, 1, "1"))).problem(10).orElseThrow().contains(".rows"));
        assertTrue(event(List.of(section("A", 1, 1, "-1"))).problem(10).orElseThrow().contains(".price"));
        assertTrue(event(List.of(section("A", 1, 1, "1.001"))).problem(10).orElseThrow().contains(".price"));
        assertTrue(event(List.of(section("A", 1, 1, "1"), section("A", 1, 1, "1"))).problem(10).orElseThrow()
                .contains("repeats"));
        assertTrue(event(List.of(new NewEvent.NewSection("A", null, 1, BigDecimal.ONE))).problem(10).orElseThrow()
                .contains(".rows"));
    }
}
