package dev.onsale.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An event and its seat layout. Seat ids run from 1 to {@code totalSeats}, section after section.
 * Holds are taken from {@code onSaleAt} until {@code offSaleAt} (none: no end). An event stored before
 * sale windows existed has no {@code onSaleAt}: it reads as on sale from its creation, as the default
 * makes every event, so no hold it ever took is refused.
 */
public record Event(long id, String name, String venue, Instant startsAt, List<Section> sections, int totalSeats,
                    Instant createdAt, Instant onSaleAt, Instant offSaleAt) {

    public Event {
        if (onSaleAt == null) {
            onSaleAt = createdAt;
        }
    }

    public Optional<Section> sectionOf(int seatId) {
        return sections.stream().filter(s -> s.contains(seatId)).findFirst();
    }

    public Optional<Instant> offSale() {
        return Optional.ofNullable(offSaleAt);
    }

    /** The one sale-window rule: on sale from {@code onSaleAt} (inclusive) to {@code offSaleAt} (exclusive). */
    public SaleState saleState(Instant now) {
        if (now.isBefore(onSaleAt)) {
            return SaleState.BeforeSale.at(now, onSaleAt, offSale());
        }
        if (offSaleAt != null && !now.isBefore(offSaleAt)) {
            return new SaleState.AfterSale(onSaleAt, offSale());
        }
        return new SaleState.OnSale();
    }
}
