package dev.onsale.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Whether an event takes holds at a given moment; see {@link Event#saleState}. */
public sealed interface SaleState {
    /** Inside the window: holds are taken. */
    record OnSale() implements SaleState {
    }

    /** Outside the window, which it names ({@code offSaleAt} when the event has one). */
    sealed interface NotOnSale extends SaleState {
        Instant onSaleAt();

        Optional<Instant> offSaleAt();
    }

    /** Not open yet: it opens at {@code onSaleAt}, in {@code secondsUntilOpen} (whole seconds, rounded up, at least 1). */
    record BeforeSale(Instant onSaleAt, Optional<Instant> offSaleAt, long secondsUntilOpen) implements NotOnSale {
        static BeforeSale at(Instant now, Instant onSaleAt, Optional<Instant> offSaleAt) {
            Duration left = Duration.between(now, onSaleAt);
            long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
            return new BeforeSale(onSaleAt, offSaleAt, Math.max(1, seconds));
        }
    }

    /** Closed for good at {@code offSaleAt}. */
    record AfterSale(Instant onSaleAt, Optional<Instant> offSaleAt) implements NotOnSale {
    }
}
