package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seats each side holds and has bought, and the peaks of what was held, per side and per address. */
class HeldSeatsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(600);
    private static final InetAddress BOT_ADDRESS = Crowd.botAddress(0);
    private static final InetAddress OTHER_BOT_ADDRESS = Crowd.botAddress(1);
    private static final InetAddress FAN_ADDRESS = Crowd.fanAddress(0);

    @Test
    void thePeakStaysWhenHoldsEnd() {
        HeldSeats seats = new HeldSeats();
        seats.held(1, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);
        seats.held(2, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);

        seats.cancelled(1);
        seats.held(3, Crowd.Side.BOTS, BOT_ADDRESS, 4, LATER);

        assertEquals(12, seats.held(Crowd.Side.BOTS));
        assertEquals(16, seats.peakHeld(Crowd.Side.BOTS));
        assertEquals(Map.of(BOT_ADDRESS, 16), seats.peakByAddress(Crowd.Side.BOTS));
    }

    @Test
    void aConfirmedHoldIsSoldAndNoLongerHeld() {
        HeldSeats seats = new HeldSeats();
        seats.held(1, Crowd.Side.FANS, FAN_ADDRESS, 3, LATER);

        seats.confirmed(1);
        seats.confirmed(1);

        assertEquals(0, seats.held(Crowd.Side.FANS));
        assertEquals(3, seats.sold(Crowd.Side.FANS));
        assertEquals(3, seats.soldTotal());
        assertEquals(0, seats.sold(Crowd.Side.BOTS));
    }

    @Test
    void aHoldPastItsExpiryIsLetGo() {
        HeldSeats seats = new HeldSeats();
        seats.held(1, Crowd.Side.BOTS, BOT_ADDRESS, 8, NOW.plusSeconds(10));
        seats.held(2, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);

        seats.expire(NOW.plusSeconds(10));
        seats.confirmed(1);

        assertEquals(8, seats.held(Crowd.Side.BOTS));
        assertEquals(0, seats.soldTotal());
    }

    @Test
    void aReplayedHoldIsCountedOnce() {
        HeldSeats seats = new HeldSeats();
        seats.held(1, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);
        seats.held(1, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);

        assertEquals(8, seats.held(Crowd.Side.BOTS));
    }

    @Test
    void eachAddressHasItsOwnPeakOnItsOwnSide() {
        HeldSeats seats = new HeldSeats();
        seats.held(1, Crowd.Side.BOTS, BOT_ADDRESS, 8, LATER);
        seats.held(2, Crowd.Side.BOTS, OTHER_BOT_ADDRESS, 8, LATER);
        seats.held(3, Crowd.Side.BOTS, OTHER_BOT_ADDRESS, 8, LATER);
        seats.held(4, Crowd.Side.FANS, FAN_ADDRESS, 2, LATER);

        assertEquals(Map.of(BOT_ADDRESS, 8, OTHER_BOT_ADDRESS, 16), seats.peakByAddress(Crowd.Side.BOTS));
        assertEquals(Map.of(FAN_ADDRESS, 2), seats.peakByAddress(Crowd.Side.FANS));
        assertEquals(24, seats.peakHeld(Crowd.Side.BOTS));
        assertEquals(2, seats.peakHeld(Crowd.Side.FANS));
    }
}
