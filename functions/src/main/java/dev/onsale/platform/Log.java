package dev.onsale.platform;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the functions' JSON lines go: standard output, as on Lambda, where each line becomes one
 * CloudWatch Logs event (a line that is a JSON object is kept as it is with {@code LogFormat: JSON}).
 * Locally the handlers run in the dev server's or the test JVM's process, so their lines are its output.
 */
public final class Log {
    private static final int MAX_STACK_LINES = 80;

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

    /** A function's logging, set up from its environment (once per process): answers its settings. */
    public static Config.Telemetry setUp() {
        Config.Telemetry settings = Config.Telemetry.fromEnvironment();
        routeJavaLogging(settings.logLevel());
        return settings;
    }

    private static final AtomicBoolean JAVA_LOGGING_ROUTED = new AtomicBoolean();

    /**
     * Makes {@code System.Logger} (whose default backend is java.util.logging, on Lambda as locally) and
     * java.util.logging write one JSON line a record, like the request lines, instead of two plain text
     * lines on stderr that CloudWatch would split into separate events. Records below {@code level} are
     * dropped before they are formatted. Done once per process.
     */
    public static void routeJavaLogging(Level level) {
        if (!JAVA_LOGGING_ROUTED.compareAndSet(false, true)) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        java.util.logging.Level threshold = switch (level) {
            case TRACE -> java.util.logging.Level.FINEST;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARN -> java.util.logging.Level.WARNING;
            case ERROR, FATAL -> java.util.logging.Level.SEVERE;
        };
        root.setLevel(threshold);
        Handler json = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    STANDARD_OUTPUT.write(line(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        json.setLevel(threshold);
        root.addHandler(json);
    }

    /** One java.util.logging record as a line with Lambda's field names. */
    static String line(LogRecord record) {
        int severity = record.getLevel().intValue();
        Level level = severity >= java.util.logging.Level.SEVERE.intValue() ? Level.ERROR
                : severity >= java.util.logging.Level.WARNING.intValue() ? Level.WARN
                : severity >= java.util.logging.Level.INFO.intValue() ? Level.INFO
                : severity >= java.util.logging.Level.FINE.intValue() ? Level.DEBUG : Level.TRACE;
        String message = record.getMessage();
        if (record.getParameters() != null && record.getParameters().length > 0 && message != null) {
            message = MessageFormat.format(message, record.getParameters());
        }
        JsonLine line = record(record.getMillis(), level, message, null).field("logger", record.getLoggerName());
        if (record.getThrown() != null) {
            error(line, record.getThrown());
        }
        return line.finish();
    }

    /**
     * A line that starts as Lambda's own JSON records do: {@code timestamp}, {@code level}, {@code message},
     * and {@code AWSRequestId} when the invocation has one; the caller adds its fields and finishes it.
     */
    public static JsonLine record(long epochMillis, Level level, String message, Context context) {
        JsonLine line = JsonLine.start().timestamp("timestamp", epochMillis).field("level", level.name()).field("message", message);
        if (context != null && context.getAwsRequestId() != null) {
            line.field("AWSRequestId", context.getAwsRequestId());
        }
        return line;
    }

    /**
     * Adds {@code failure} under Lambda's names for an error's parts: {@code errorType}, {@code errorMessage}
     * and {@code stackTrace}, cut to enough frames to find the failing one and its causes (far below
     * CloudWatch's 256 KB an event).
     */
    public static JsonLine error(JsonLine line, Throwable failure) {
        line.field("errorType", failure.getClass().getName()).field("errorMessage", String.valueOf(failure.getMessage()));
        line.array("stackTrace");
        stackTrace(failure).lines().skip(1).limit(MAX_STACK_LINES).map(String::strip).forEach(line::value);
        return line.endArray();
    }

    /** The stack trace of {@code failure} as one string (newlines escaped when it is written into a line). */
    public static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter(2048);
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
