package dev.onsale.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onsale.http.Guard;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The admission guard reads a hold's event exactly as the handler reads the body. */
class HoldRequestTest {
    private static OptionalLong eventOf(String contentType, String body) {
        return HoldRequest.eventOf(new Guard.Request("POST /api/v1/bookings", Optional.of("u1"), "127.0.0.1", Map.of(),
                Map.of("content-type", contentType), Map.of(), body));
    }

    @Test
    void theEventOfAWellFormedHold() {
        assertEquals(OptionalLong.of(7), eventOf("application/json", "{\"event_id\": 7, \"seat_ids\": [1]}"));
    }

    @Test
    void aBodyWithAByteOrderMarkNamesItsEventToo() {
        // the handler takes it, so the guard must see its event (or it could skip the waiting room)
        assertEquals(OptionalLong.of(7), eventOf("application/json", "\uFEFF{\"event_id\": 7, \"seat_ids\": [1]}"));
    }

    @Test
    void noEventWhereTheHandlerRefusesTheBody() {
        assertEquals(OptionalLong.empty(), eventOf("text/plain", "{\"event_id\": 7}"));
        assertEquals(OptionalLong.empty(), eventOf("application/json", "{\"event_id\": 7, \"event_id\": 8}"));
        assertEquals(OptionalLong.empty(), eventOf("application/json", "{\"event_id\": 0}"));
        assertEquals(OptionalLong.empty(), eventOf("application/json", "{\"event_id\": 9223372036854775808}"));
        assertEquals(OptionalLong.empty(), eventOf("application/json", "{\"event_id\": 7, \"zzz\": 1}"));
        assertEquals(OptionalLong.empty(), eventOf("application/json", ""));
    }
}
