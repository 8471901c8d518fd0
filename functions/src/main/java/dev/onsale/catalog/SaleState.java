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

    /** Not open yet: it opens at {@code onSaleAt}, {@code untilOpen} from now. */
    record BeforeSale(Instant onSaleAt, Optional<Instant> offSaleAt, Duration untilOpen) implements NotOnSale {
        static BeforeSale at(Instant now, Instant onSaleAt, Optional<Instant> offSaleAt) {
            return new BeforeSale(onSaleAt, offSaleAt, Duration.between(now, onSaleAt));
        }
    }

    /** Closed for good at {@code offSaleAt}. */
    record AfterSale(Instant onSaleAt, Optional<Instant> offSaleAt) implements NotOnSale {
    }
}
