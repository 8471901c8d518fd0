package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The probe reads the compact map's letters: seat id = the section's first_seat_id + the letter's index. */
class FreshnessProbeTest {

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
}
