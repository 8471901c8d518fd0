package dev.onsale.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An event as the API shows it; {@code offSaleAt} is null for a sale without an end. */
record EventView(long id, String name, String venue, Instant startsAt, int totalSeats, List<SectionView> sections,
                 Instant createdAt, Instant onSaleAt, Instant offSaleAt) {

    record SectionView(String name, int rows, int seatsPerRow, BigDecimal price, int firstSeatId, int lastSeatId) {
    }

    static EventView of(Event event) {
        return new EventView(event.id(), event.name(), event.venue(), event.startsAt(), event.totalSeats(),
                event.sections().stream()
                        .map(s -> new SectionView(s.name(), s.rows(), s.seatsPerRow(), s.price(), s.firstSeatId(), s.lastSeatId()))
                        .toList(),
                event.createdAt(), event.onSaleAt(), event.offSaleAt());
    }
}
