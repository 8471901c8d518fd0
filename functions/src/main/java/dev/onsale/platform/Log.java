package dev.onsale.platform;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the functions' JSON lines go: standard output, as on Lambda, where each line becomes one
 * CloudWatch Logs event (a line that is a JSON object is kept as it is with {@code LogFormat: JSON}).
 * Locally the handlers run in the dev server's or the test JVM's process, so their lines are its output.
 */
public final class Log {

    /** Lambda's log levels, least severe first; a line below the function's level is not written. */
    public enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR, FATAL;

        /** {@code LOG_LEVEL} / {@code AWS_LAMBDA_LOG_LEVEL}'s value; INFO when unset or unknown. */
        public static Level parse(String name) {
            if (name == null || name.isBlank()) {
                return INFO;
            }
            String upper = name.trim().toUpperCase(Locale.ROOT);
            for (Level level : values()) {
                if (level.name().equals(upper)) {
                    return level;
                }
            }
            return upper.equals("WARNING") ? WARN : INFO;
        }
    }

    /** Something that takes finished lines (without their newline). */
    @FunctionalInterface
    public interface Sink {
        void write(String line);
    }

    private static final List<Sink> TAPS = new CopyOnWriteArrayList<>();

    /** Standard output, plus whatever {@link #tap} added (an integration test reading the stack's lines). */
    public static final Sink STANDARD_OUTPUT = Log::writeOut;

    private Log() {
    }

    /** Also hands every line written to {@link #STANDARD_OUTPUT} to {@code sink}, until the tap is closed. */
    public static AutoCloseable tap(Sink sink) {
        TAPS.add(sink);
        return () -> TAPS.remove(sink);
    }

    private static void writeOut(String line) {
        System.out.println(line); // one call, one write under the stream's lock: lines never interleave
        if (!TAPS.isEmpty()) {
            for (Sink tap : TAPS) {
                tap.write(line);
            }
        }
    }

    /** The stack trace of {@code failure} as one string (newlines escaped when it is written into a line). */
    public static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter(2048);
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
