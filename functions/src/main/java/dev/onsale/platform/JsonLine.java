package dev.onsale.platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One JSON object written by hand into a reused buffer: the request log line and the metrics document
 * are built on every request (10k a second on the seat map), so no reflection, no tree, no map. Each
 * thread has its own buffer; {@link #start()} hands it out empty.
 *
 * <p>Strings are escaped as RFC 8259 asks (quotes, backslash, control characters), plus U+2028/U+2029
 * and unpaired surrogates as {@code \\uXXXX}, so the line is valid JSON and valid UTF-8 whatever a client
 * put in a path or a header.
 */
public final class JsonLine {
    /** Lambda's own JSON log records use this form (UTC, milliseconds). */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int KEEP_AT_MOST = 64 * 1024;
    private static final ThreadLocal<JsonLine> BUFFERS = ThreadLocal.withInitial(JsonLine::new);

    private final StringBuilder text = new StringBuilder(512);
    /** Whether the object (or array) being written already has a member, per nesting level. */
    private long hasMember;
    private int depth;
    private long formattedSecond = Long.MIN_VALUE;
    private String secondText;

    private JsonLine() {
    }

    /** This thread's writer, emptied, with the outer object opened. */
    public static JsonLine start() {
        JsonLine line = BUFFERS.get();
        if (line.text.capacity() > KEEP_AT_MOST) {
            line = new JsonLine(); // one huge line (a long stack trace) must not pin its buffer forever
            BUFFERS.set(line);
        }
        line.text.setLength(0);
        line.depth = 0;
        line.hasMember = 0;
        return line.open('{');
    }

    public JsonLine field(String name, String value) {
        name(name);
        if (value == null) {
            text.append("null");
        } else {
            string(value);
        }
        return this;
    }

    public JsonLine field(String name, long value) {
        name(name);
        text.append(value);
        return this;
    }

    public JsonLine field(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            text.append(value);
        } else {
            text.append("null");
        }
        return this;
    }

    public JsonLine field(String name, boolean value) {
        name(name);
        text.append(value);
        return this;
    }

    /** A timestamp as Lambda writes them: {@code 2026-12-02T06:10:00.123Z}. */
    public JsonLine timestamp(String name, long epochMillis) {
        name(name);
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != formattedSecond) { // formatting is the dear part: once a second per thread
            formattedSecond = second;
            secondText = TIMESTAMP.format(Instant.ofEpochSecond(second));
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        text.append('"').append(secondText).append('.')
                .append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10))
                .append("Z\"");
        return this;
    }

    /** Opens an object as the value of {@code name}; close it with {@link #end()}. */
    public JsonLine object(String name) {
        name(name);
        return open('{');
    }

    /** Opens an array as the value of {@code name}; close it with {@link #endArray()}. */
    public JsonLine array(String name) {
        name(name);
        return open('[');
    }

    /** Opens an object as the next element of the array being written. */
    public JsonLine object() {
        element();
        return open('{');
    }

    /** Opens an array as the next element of the array being written. */
    public JsonLine array() {
        element();
        return open('[');
    }

    /** A string as the next element of the array being written. */
    public JsonLine value(String value) {
        element();
        string(value);
        return this;
    }

    public JsonLine end() {
        return close('}');
    }

    public JsonLine endArray() {
        return close(']');
    }

    /** The finished line (the outer object closed), without a newline. */
    public String finish() {
        if (depth != 1) {
            throw new IllegalStateException("a nested object or array was left open");
        }
        close('}');
        return text.toString();
    }

    private JsonLine open(char opener) {
        text.append(opener);
        depth++;
        hasMember &= ~(1L << depth);
        return this;
    }

    private JsonLine close(char closer) {
        text.append(closer);
        depth--;
        return this;
    }

    private void name(String name) {
        element();
        string(name);
        text.append(':');
    }

    private void element() {
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            text.append(',');
        }
        hasMember |= bit;
    }

    private void string(String value) {
        text.append('"');
        int length = value.length();
        int clean = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
                continue; // the common case: copied in runs below
            }
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029 && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a proper pair is fine as UTF-8
                continue;
            }
            text.append(value, clean, i);
            clean = i + 1;
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                        .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
            }
        }
        text.append(value, clean, length).append('"');
    }
}
