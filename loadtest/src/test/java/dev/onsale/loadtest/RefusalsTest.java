package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a refusal said, read from the answer, and the count of each for bots and fans. */
class RefusalsTest {

    @Test
    void aRateLimitRefusalNamesThePolicyWithNothingLeft() {
        var refusal = Refusals.Refusal.of(429, "\"booking\";r=4;t=30, \"booking-ip\";r=0;t=1", body("""
                {"error":"rate_limit_exceeded","detail":"At most 600 requests per 60 s per address here (booking-ip); retry in 1 s."}"""));

        assertEquals(new Refusals.Refusal(429, "rate_limit_exceeded", "booking-ip"), refusal);
    }

    @Test
    void aCoolingOffNamesTheBotRuleByItsDetail() {
        var refusal = Refusals.Refusal.of(429, "\"booking\";r=0;t=60", body("""
                {"error":"cooling_off","detail":"Booking requests are coming faster than a person can make them. Please slow down."}"""));

        assertEquals(new Refusals.Refusal(429, "cooling_off", "Booking requests are coming faster than a person can make them."),
                refusal);
    }

    @Test
    void aRuleInTheBodyIsTakenAsItIs() {
        var refusal = Refusals.Refusal.of(409, null, body("""
                {"error":"address_hold_limit_reached","rule":"address_holds","detail":"..."}"""));

        assertEquals(new Refusals.Refusal(409, "address_hold_limit_reached", "address_holds"), refusal);
    }

    @Test
    void anyErrorCodeIsCountedAsItComes() {
        assertEquals(new Refusals.Refusal(409, "rehold_cooldown", ""),
                Refusals.Refusal.of(409, null, body("{\"error\":\"rehold_cooldown\",\"detail\":\"wait\"}")));
        assertEquals(new Refusals.Refusal(401, "Unauthorized", ""),
                Refusals.Refusal.of(401, null, body("{\"message\":\"Unauthorized\"}")));
        assertEquals(new Refusals.Refusal(503, "(no error code)", ""), Refusals.Refusal.of(503, null, body("busy")));
        assertEquals(new Refusals.Refusal(502, "(no error code)", ""), Refusals.Refusal.of(502, null, new byte[0]));
    }

    @Test
    void rateLimitFieldReadsWhatEachPolicyHasLeft() {
        assertEquals(Map.of("seatmap", 19L, "seatmap-ip", 599L),
                RateLimitField.remaining("\"seatmap\";r=19;t=3, \"seatmap-ip\";r=599;t=1"));
        assertEquals(Map.of(), RateLimitField.remaining(null));
        assertEquals(Map.of("a", 1L), RateLimitField.remaining("\"a\";r=1, \"b\";r=x, garbage"));
    }

    @Test
    void refusalsAreCountedPerSideWithTheirRoutes() {
        Refusals refusals = new Refusals();
        var taken = new Refusals.Refusal(409, "seats_unavailable", "");
        var limited = new Refusals.Refusal(429, "rate_limit_exceeded", "booking");

        refusals.count(Crowd.Side.BOTS, Route.HOLD, taken);
        refusals.count(Crowd.Side.BOTS, Route.HOLD, taken);
        refusals.count(Crowd.Side.FANS, Route.HOLD, taken);
        refusals.count(Crowd.Side.BOTS, Route.HOLD, limited);
        refusals.count(Crowd.Side.BOTS, Route.SEAT_MAP_ADMITTED, limited);
        refusals.count(Crowd.Side.FANS, Route.STATUS, Refusals.Refusal.sentBack("lapsed"));
        refusals.requested(Crowd.Side.BOTS);

        List<Refusals.Row> rows = refusals.rows();
        assertEquals(List.of(
                new Refusals.Row(Refusals.Refusal.sentBack("lapsed"), 0, 1, Set.of(Route.STATUS)),
                new Refusals.Row(taken, 2, 1, Set.of(Route.HOLD)),
                new Refusals.Row(limited, 2, 0, Set.of(Route.HOLD, Route.SEAT_MAP_ADMITTED))), rows);
        assertEquals(4, refusals.total(Crowd.Side.BOTS));
        assertEquals(2, refusals.total(Crowd.Side.FANS));
        assertEquals(1, refusals.requests(Crowd.Side.BOTS));
        assertEquals("429 rate_limit_exceeded [booking]", limited.label());
        assertEquals("- no answer (I/O error or timeout)", Refusals.Refusal.NO_ANSWER.label());
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
