package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The probe reads the compact map's letters (seat id = the section's first_seat_id + the letter's index), and
 * finds each change it was told of: a hold once no seat of it shows A, a sale once all show S.
 */
class FreshnessProbeTest {

    private static final long T0 = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final FreshnessProbe probe = new FreshnessProbe(null, null, 1, new OnSaleMix.Window(0, Long.MAX_VALUE));

    @Test
    void lettersLandAtTheirSeatIds() throws IOException {
        byte[] body = """
                {"event_id":7,"total_seats":5,"available_seats":2,"format":"compact",
                 "sections":[{"name":"B","first_seat_id":4,"rows":1,"seats_per_row":2,"seats":"HS"},
                             {"name":"A","first_seat_id":1,"rows":1,"seats_per_row":3,"seats":"AAS"}]}
                """.getBytes(StandardCharsets.UTF_8);

        assertEquals("AASHS", new String(FreshnessProbe.compactStates(body)));
    }

    @Test
    void aSectionPastTheLastSeatIsRefused() {
        byte[] body = """
                {"total_seats":2,"sections":[{"name":"A","first_seat_id":2,"seats":"AA"}]}
                """.getBytes(StandardCharsets.UTF_8);

        assertThrows(IOException.class, () -> FreshnessProbe.compactStates(body));
    }

    @Test
    void aHoldIsSeenOnceNoneOfItsSeatsShowsAvailable() {
        probe.watch(FreshnessProbe.Kind.HOLD, new int[] {2, 3}, T0, true);

        probe.check("AHAA".toCharArray(), T0 + 40 * MS);
        probe.check("AHSA".toCharArray(), T0 + 65 * MS);

        assertEquals(1, probe.holds().freshnessMicros.getTotalCount());
        assertEquals(65, probe.holds().freshnessMicros.getMaxValue() / 1000);
        assertTrue(probe.settled());
    }

    @Test
    void aSaleIsSeenOnlyWhenEverySeatShowsSold() {
        probe.watch(FreshnessProbe.Kind.SALE, new int[] {1, 2}, T0, true);

        probe.check("SHAA".toCharArray(), T0 + 30 * MS);

        assertEquals(0, probe.sales().freshnessMicros.getTotalCount());
        probe.check("SSAA".toCharArray(), T0 + 55 * MS);
        assertEquals(1, probe.sales().freshnessMicros.getTotalCount());
    }

    @Test
    void aHoldNeverShownIsGivenUpOnAfterFiveSeconds() {
        probe.watch(FreshnessProbe.Kind.HOLD, new int[] {1}, T0, true);

        probe.check("AAAA".toCharArray(), T0 + 4_900 * MS);
        assertFalse(probe.settled());
        probe.check("AAAA".toCharArray(), T0 + 5_100 * MS);

        assertEquals(1, probe.holds().neverSeen);
        assertTrue(probe.settled());
    }

    @Test
    void aHoldCancelledBeforeTheMapShowedItIsCountedApart() {
        FreshnessProbe.Watch hold = probe.watch(FreshnessProbe.Kind.HOLD, new int[] {1}, T0, true);

        hold.undo();
        probe.check("AAAA".toCharArray(), T0 + 1_200 * MS);

        assertEquals(1, probe.holds().undoneBeforeSeen);
        assertEquals(0, probe.holds().neverSeen);
    }

    @Test
    void aChangeOutsideTheMeasuredWindowIsLookedForButNotCounted() {
        probe.watch(FreshnessProbe.Kind.HOLD, new int[] {1}, T0, false);

        probe.check("HAAA".toCharArray(), T0 + 30 * MS);

        assertEquals(0, probe.holds().watched());
        assertTrue(probe.settled());
    }
}
