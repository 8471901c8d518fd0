package dev.onsale.booking;

import java.math.BigDecimal;

/**
 * Takes payment for a booking. Charging the same booking twice must charge once: payment providers
 * take an idempotency key, and the booking id is ours.
 */
public interface Payments {

    /** What the provider answered. */
    sealed interface Charge {
        record Approved(String reference) implements Charge {
        }

        record Declined(String reason) implements Charge {
        }
    }

    Charge charge(long bookingId, String userId, BigDecimal amount);

    /** Approves everything, with a reference derived from the booking: stands in until a provider is chosen. */
    static Payments simulated() {
        return (bookingId, userId, amount) -> new Charge.Approved("sim-" + bookingId);
    }
}
