package dev.onsale.booking;

import java.math.BigDecimal;

/**
 * Takes payment for a booking, under the booking's id as the provider's idempotency key: charging the
 * same booking twice charges once. A confirm charges only once the seats are secured (CONFIRMING), and
 * a charge whose answer was lost is settled by the expiry path with {@link #settle}.
 */
public interface Payments {

    /** What the provider answered. */
    sealed interface Charge {
        record Approved(String reference) implements Charge {
        }

        record Declined(String reason) implements Charge {
        }
    }

    /** How a booking's payment stands for good once settled. */
    sealed interface Settlement {
        /** It was charged: the seats are sold. */
        record Charged(String reference) implements Settlement {
        }

        /** It was not, and now never can be: the seats go back. */
        record Voided() implements Settlement {
        }
    }

    /** The provider did not answer (time-out, outage): whether it charged is not known. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** Charges the booking once, whatever the number of calls; a voided booking is declined. */
    Charge charge(long bookingId, String userId, BigDecimal amount);

    /**
     * Makes the booking's payment final: Charged if a charge went through, else Voided, after which no
     * charge under its key can (a payment intent cancelled, in a real provider's terms).
     */
    Settlement settle(long bookingId);
}
