package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading Redis's INFO answers: the RESP bulk string, its fields, the command calls, and what a window cost. */
class RedisInfoTest {

    private static final String COMMANDSTATS = """
            # Commandstats\r
            cmdstat_evalsha:calls=1234,usec=5678,usec_per_call=4.60,rejected_calls=0,failed_calls=1\r
            cmdstat_info:calls=4,usec=120,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r
            """;

    @Test
    void readsABulkStringAndCountsItsBytesOnTheWire() throws IOException {
        String text = "# Stats\r\ntotal_net_output_bytes:98765\r\n";
        byte[] wire = ("$" + text.length() + "\r\n" + text + "\r\n").getBytes(StandardCharsets.UTF_8);

        RedisInfo.Reply reply = RedisInfo.bulkReply(new ByteArrayInputStream(wire));

        assertEquals(text, reply.text());
        assertEquals(wire.length, reply.bytes());
        assertEquals("98765", RedisInfo.fields(reply.text()).get("total_net_output_bytes"));
    }

    @Test
    void anErrorReplyIsThrown() {
        byte[] wire = "-ERR unknown command\r\n".getBytes(StandardCharsets.UTF_8);

        var thrown = assertThrows(IOException.class, () -> RedisInfo.bulkReply(new ByteArrayInputStream(wire)));

        assertEquals("Redis answered ERR unknown command", thrown.getMessage());
    }

    @Test
    void commandCallsComeFromTheCmdstatLines() {
        assertEquals(Map.of("evalsha", 1234L, "info", 4L), RedisInfo.commandCalls(RedisInfo.fields(COMMANDSTATS)));
    }

    @Test
    void aWindowsBytesLeaveOutTheFirstSnapshotsOwnAnswers() {
        var before = new RedisInfo.Snapshot(10_000, Map.of("evalsha", 100L), 1_500);
        var after = new RedisInfo.Snapshot(21_500, Map.of("evalsha", 150L, "get", 2L), 1_600);

        assertEquals(10_000, after.outputBytesSince(before));
        assertEquals(Map.of("evalsha", 50L, "get", 2L), after.callsSince(before));
    }
}
