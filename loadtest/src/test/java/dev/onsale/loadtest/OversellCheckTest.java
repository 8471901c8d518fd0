package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load test's oversell check must be able to fail: one clean sale, then the ways a seat is sold twice. */
class OversellCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(600);

    @Test
    void passesWhenEverySeatHasOneOwner() {
        var result = OversellCheck.check(Map.of(1, "SOLD", 2, "SOLD", 3, "HELD", 4, "AVAILABLE"), List.of(
                new OversellCheck.BookingRecord(10, "CONFIRMED", LATER, List.of(1, 2)),
                new OversellCheck.BookingRecord(11, "HOLD", LATER, List.of(3)),
                new OversellCheck.BookingRecord(12, "CANCELLED", LATER, List.of(4)),
                new OversellCheck.BookingRecord(13, "HOLD", NOW.minusSeconds(1), List.of(4))), NOW);

        assertTrue(result.passed(), result.violations().toString());
    }

    @Test
    void failsWhenASeatIsInTwoLiveBookings() {
        var result = OversellCheck.check(Map.of(1, "SOLD", 2, "AVAILABLE"), List.of(
                new OversellCheck.BookingRecord(10, "CONFIRMED", LATER, List.of(1)),
                new OversellCheck.BookingRecord(11, "HOLD", LATER, List.of(1))), NOW);

        assertFalse(result.passed());
        assertTrue(result.violations().getFirst().contains("seat 1 is in 2 live bookings"), result.violations().toString());
    }

    @Test
    void failsWhenASoldSeatHasNoConfirmedBooking() {
        var result = OversellCheck.check(Map.of(1, "SOLD"), List.of(
                new OversellCheck.BookingRecord(10, "CANCELLED", LATER, List.of(1))), NOW);

        assertFalse(result.passed());
        assertTrue(result.violations().getFirst().contains("SOLD but in 0 confirmed bookings"), result.violations().toString());
    }

    @Test
    void failsWhenAConfirmedSeatDoesNotShowSold() {
        var result = OversellCheck.check(Map.of(1, "AVAILABLE"), List.of(
                new OversellCheck.BookingRecord(10, "CONFIRMED", LATER, List.of(1))), NOW);

        assertFalse(result.passed());
    }
}
