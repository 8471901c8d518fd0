package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.Context;
import dev.onsale.platform.Config;
import dev.onsale.platform.JsonLine;
import dev.onsale.platform.Log;
import dev.onsale.platform.Metrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What the edge reports of each request: ONE JSON log line (route, status, latency, caller, request ids,
 * error code; never a token, a key, a body or a query string) and ONE metrics document (requests by route
 * and status class, latency, 429s by rule, plus whatever the handler, guards and services counted on the
 * way). The line has the fields of Lambda's own JSON log records ({@code timestamp}, {@code level},
 * {@code message}, {@code AWSRequestId}), so with {@code LogFormat: JSON} Lambda keeps it as it is and
 * filters it by {@code level}.
 */
public final class RequestTelemetry {
    private static final HexFormat HEX = HexFormat.of();

    private final Log.Sink sink;
    private final Config.Telemetry settings;
    private final LongSupplier clock;
    /** The first request this handler instance serves is its container's cold start. */
    private final AtomicBoolean cold = new AtomicBoolean(true);

    public RequestTelemetry(Log.Sink sink, Config.Telemetry settings, LongSupplier clock) {
        this.sink = sink;
        this.settings = settings;
        this.clock = clock;
    }

    /** Standard output, with the function's settings from the environment. */
    public static RequestTelemetry forFunction() {
        return new RequestTelemetry(Log.STANDARD_OUTPUT, Log.setUp(), System::currentTimeMillis);
    }

    /** Starts recording {@code request}; everything counted on this thread until {@link Recording#end} joins its metrics. */
    public Recording begin(ApiRequest request, Context context) {
        return new Recording(request, context);
    }

    /** One request being served. */
    public final class Recording {
        private final ApiRequest request;
        private final Context context;
        private final long startNanos = System.nanoTime();
        private final boolean coldStart = cold.getAndSet(false);
        private final String route;
        private final Metrics.Document metrics;

        private Recording(ApiRequest request, Context context) {
            this.request = request;
            this.context = context;
            this.route = request.routeKey();
            this.metrics = Metrics.begin(settings.metricsNamespace(), "Route", route).property("request_id", request.requestId());
        }

        /** Reports the answer and hands it back. Never throws: reporting must not cost the caller its answer. */
        public ApiResponse end(ApiResponse response) {
            report(response, null);
            return response;
        }

        /** Reports an unhandled {@code failure} (once, with its stack trace, in the line) and hands back {@code response}. */
        public ApiResponse failed(Throwable failure, ApiResponse response) {
            report(response, failure);
            return response;
        }

        private void report(ApiResponse response, Throwable failure) {
            try {
                double latencyMs = (System.nanoTime() - startNanos) / 1e6;
                long now = clock.getAsLong();
                int status = response.status();
                metrics.add("Requests", Metrics.Unit.COUNT, 1, "Route", route, "StatusClass", statusClass(status));
                metrics.add("Latency", Metrics.Unit.MILLISECONDS, Math.round(latencyMs * 1000) / 1000.0, "Route", route);
                if (status == 429) {
                    // one place counts an answered 429: the metric, and the tally the operator's console reads
                    metrics.add("Throttled", Metrics.Unit.COUNT, 1, "Route", route, "Rule", response.throttleRule());
                    RefusalTally.SHARED.count(response.throttleRule());
                }
                Log.Level level = failure != null || status == 500 ? Log.Level.ERROR
                        : status >= 500 ? Log.Level.WARN : Log.Level.INFO;
                if (level.compareTo(settings.logLevel()) >= 0) {
                    sink.write(line(now, level, response, latencyMs, failure));
                }
                for (String document : metrics.end(now)) {
                    sink.write(document);
                }
            } catch (RuntimeException e) {
                metrics.end(0); // unbinds the document; the request is answered whatever happens here
            }
        }

        private String line(long now, Log.Level level, ApiResponse response, double latencyMs, Throwable failure) {
            Caller caller = request.caller();
            JsonLine line = Log.record(now, level, request.method() + " " + request.path() + " " + response.status(), context)
                    .field("route", route)
                    .field("method", request.method())
                    .field("path", request.path())
                    .field("status", response.status())
                    .field("latency_ms", Math.round(latencyMs * 1000) / 1000.0)
                    .field("request_id", request.requestId())
                    .field("source_ip", request.sourceIp())
                    .field("user_id", caller.userId().orElse(null))
                    .field("admin", caller.admin())
                    .field("cold_start", coldStart);
            response.error().ifPresent(error -> line.field("error", error));
            response.refusedBy().ifPresent(rule -> line.field("rule", rule));
            idempotencyKeyHash().ifPresent(hash -> line.field("idempotency_key_hash", hash));
            if (failure != null) {
                Log.error(line, failure);
            }
            return line.finish();
        }

        /** A short hash of the idempotency key: enough to match a client's retries, never the key itself. */
        private Optional<String> idempotencyKeyHash() {
            if (!request.method().equals("POST")) {
                return Optional.empty(); // only the booking routes take a key, all POST: reads spare the other routes
            }
            return request.header("idempotency-key").or(() -> request.header("x-idempotency-key"))
                    .map(key -> HEX.formatHex(sha256(key), 0, 6));
        }
    }

    static String statusClass(int status) {
        return switch (status / 100) {
            case 1 -> "1xx";
            case 2 -> "2xx";
            case 3 -> "3xx";
            case 4 -> "4xx";
            default -> "5xx";
        };
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
