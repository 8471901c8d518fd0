package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Event#saleState}: the one sale-window rule, at its edges. */
class EventSaleStateTest {
    private static final Instant CREATED = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant OPENS = Instant.parse("2027-02-01T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2027-03-01T10:00:00Z");

    private static Event event(Instant onSaleAt, Instant offSaleAt) {
        return new Event(1, "Show", "Hall", CLOSES, List.of(new Section("Floor", 1, 1, BigDecimal.ONE, 1)), 1, CREATED,
                onSaleAt, offSaleAt);
    }

    @Test
    void beforeOpeningItSaysHowLongUntilItOpens() {
        assertEquals(new SaleState.BeforeSale(OPENS, Optional.of(CLOSES), java.time.Duration.ofHours(1)),
                event(OPENS, CLOSES).saleState(OPENS.minusSeconds(3600)));
        assertEquals(new SaleState.BeforeSale(OPENS, Optional.empty(), java.time.Duration.ofNanos(1)),
                event(OPENS, null).saleState(OPENS.minusNanos(1)));
    }

    @Test
    void onSaleFromTheOpeningInstantUntilJustBeforeTheEnd() {
        assertEquals(new SaleState.OnSale(), event(OPENS, CLOSES).saleState(OPENS));
        assertEquals(new SaleState.OnSale(), event(OPENS, CLOSES).saleState(CLOSES.minusNanos(1)));
        assertEquals(new SaleState.OnSale(), event(OPENS, null).saleState(Instant.parse("2999-01-01T00:00:00Z")));
    }

    @Test
    void closedFromTheEndOn() {
        assertEquals(new SaleState.AfterSale(OPENS, Optional.of(CLOSES)), event(OPENS, CLOSES).saleState(CLOSES));
        assertEquals(new SaleState.AfterSale(OPENS, Optional.of(CLOSES)), event(OPENS, CLOSES).saleState(CLOSES.plusSeconds(86_400)));
    }

    @Test
    void anEventStoredBeforeSaleWindowsIsOnSaleSinceItWasCreated() {
        Event legacy = event(null, null);
        assertEquals(CREATED, legacy.onSaleAt());
        assertEquals(new SaleState.OnSale(), legacy.saleState(CREATED));
    }
}
