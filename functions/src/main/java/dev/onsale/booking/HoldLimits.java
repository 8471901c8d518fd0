package dev.onsale.booking;

import dev.onsale.platform.Config;
import java.time.Duration;

/**
 * What one account, or one address, may hold of an event: every limit is a condition of the hold's own
 * transaction (on the account's and the address's counter items, and on each seat), so concurrent holds
 * can never together pass one.
 *
 * @param activeHolds        {@code MAX_ACTIVE_HOLDS_PER_EVENT}: live holds of one account
 * @param ticketsPerAccount  {@code MAX_TICKETS_PER_ACCOUNT}: seats of one account, held plus bought
 * @param seatsPerAddress    {@code MAX_HELD_SEATS_PER_ADDRESS}: seats held at once from one source address
 * @param reholdCooldown     {@code REHOLD_COOLDOWN_SECONDS}: a seat an account cancelled or let lapse is not
 *                           its to hold again for this long
 * @param holdTimePerAccount {@code HOLD_TIME_PER_ACCOUNT_SECONDS}: hold time one account may use in all
 */
public record HoldLimits(int activeHolds, int ticketsPerAccount, int seatsPerAddress, Duration reholdCooldown,
                         Duration holdTimePerAccount) {

    public static HoldLimits of(Config config) {
        Config.FairSale fair = config.fairSale();
        return new HoldLimits(config.maxActiveHoldsPerEvent(), fair.maxTicketsPerAccount(), fair.maxHeldSeatsPerAddress(),
                fair.reholdCooldown(), fair.holdTimePerAccount());
    }

    public HoldLimits withHoldTimePerAccount(Duration budget) {
        return new HoldLimits(activeHolds, ticketsPerAccount, seatsPerAddress, reholdCooldown, budget);
    }

    /** Which limit a refused hold met. */
    public enum Limit {
        ACTIVE_HOLDS, TICKETS, HOLD_TIME, ADDRESS_SEATS
    }
}
