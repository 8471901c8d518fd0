package dev.onsale.loadtest;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redis's own counters, read with {@code INFO} over a plain socket (RESP needs no client library): the bytes
 * it has sent its clients and the calls of each command, so that a run can say what a seat-map read costs
 * Redis. What these reads themselves cost is known and left out.
 */
final class RedisInfo {

    /**
     * @param outputBytes  {@code total_net_output_bytes} when {@code INFO stats} answered
     * @param commandCalls {@code calls} of each {@code cmdstat_NAME} line, by NAME
     * @param replyBytes   what this snapshot's own answers came to: sent after {@code outputBytes} was taken
     */
    record Snapshot(long outputBytes, Map<String, Long> commandCalls, long replyBytes) {

        /** Bytes sent to clients since {@code before}, without {@code before}'s own answers. */
        long outputBytesSince(Snapshot before) {
            return outputBytes - before.outputBytes - before.replyBytes;
        }

        /** Calls of each command since {@code before}, leaving out those with none. */
        Map<String, Long> callsSince(Snapshot before) {
            return CountDeltas.since(commandCalls, before.commandCalls);
        }
    }

    private RedisInfo() {}

    static Snapshot read(InetSocketAddress redis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(redis, 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Reply stats = command(out, in, "INFO", "stats");
            Reply commands = command(out, in, "INFO", "commandstats");
            String outputBytes = fields(stats.text()).get("total_net_output_bytes");
            if (outputBytes == null) {
                throw new IOException("INFO stats from " + redis + " has no total_net_output_bytes");
            }
            return new Snapshot(Long.parseLong(outputBytes), commandCalls(fields(commands.text())),
                    stats.bytes() + commands.bytes());
        }
    }

    /** An answer's text and how many bytes it took on the wire. */
    record Reply(String text, long bytes) {}

    private static Reply command(OutputStream out, InputStream in, String... words) throws IOException {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return bulkReply(in);
    }

    /** One RESP bulk string ({@code $LENGTH\r\n...\r\n}); an error reply ({@code -ERR ...}) is thrown. */
    static Reply bulkReply(InputStream in) throws IOException {
        String head = line(in);
        if (head.startsWith("-")) {
            throw new IOException("Redis answered " + head.substring(1));
        }
        if (!head.startsWith("$")) {
            throw new IOException("not a RESP bulk string: " + head);
        }
        int length = Integer.parseInt(head.substring(1));
        byte[] body = in.readNBytes(length + 2);
        if (body.length != length + 2) {
            throw new EOFException("Redis closed the connection mid-answer");
        }
        return new Reply(new String(body, 0, length, StandardCharsets.UTF_8), head.length() + 2L + length + 2);
    }

    /** {@code key:value} lines of an INFO answer; section headers ({@code # Stats}) left out. */
    static Map<String, String> fields(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** {@code cmdstat_evalsha:calls=12,usec=...} to {@code evalsha=12}. */
    static Map<String, Long> commandCalls(Map<String, String> fields) {
        Map<String, Long> calls = new TreeMap<>();
        fields.forEach((key, value) -> {
            if (key.startsWith("cmdstat_")) {
                for (String part : value.split(",")) {
                    if (part.startsWith("calls=")) {
                        calls.put(key.substring("cmdstat_".length()), Long.parseLong(part.substring("calls=".length())));
                    }
                }
            }
        });
        return calls;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("Redis closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
