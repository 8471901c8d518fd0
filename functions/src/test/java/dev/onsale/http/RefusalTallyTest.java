package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.platform.Redis;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalTallyTest {
    private final AtomicLong now = new AtomicLong(1_000 * 60_000L + 10_000);
    private final RefusalTally tally = new RefusalTally(now::get);

    @Test
    void countsGoOutOnlyWhenAFlushIsDueThenStartAgain() {
        assertTrue(tally.drainIfDue().isEmpty(), "nothing counted");
        tally.count("seatmap-user");
        tally.count("seatmap-user");
        tally.count("cooling_off");
        now.addAndGet(RefusalTally.FLUSH_EVERY.toMillis() - 1);
        assertTrue(tally.drainIfDue().isEmpty(), "not yet due");
        now.addAndGet(1);
        List<Redis.ScriptCall> calls = tally.drainIfDue();
        assertEquals(1, calls.size(), "one minute counted");
        assertEquals(List.of("refusals:{ops}:1000"), Arrays.asList(calls.getFirst().keys()));
        List<String> args = Arrays.asList(calls.getFirst().args());
        assertEquals("3600", args.getFirst());
        assertEquals("2", args.get(args.indexOf("seatmap-user") + 1));
        assertEquals("1", args.get(args.indexOf("cooling_off") + 1));
        now.addAndGet(RefusalTally.FLUSH_EVERY.toMillis());
        assertTrue(tally.drainIfDue().isEmpty(), "what went out is not sent again");
    }

    @Test
    void eachMinuteIsItsOwnKey() {
        tally.count("a");
        now.addAndGet(60_000);
        tally.count("a");
        now.addAndGet(RefusalTally.FLUSH_EVERY.toMillis());
        List<String> keys = tally.drainIfDue().stream().map(call -> call.keys()[0]).sorted().toList();
        assertEquals(List.of("refusals:{ops}:1000", "refusals:{ops}:1001"), keys);
    }
}
