package dev.onsale.booking;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Log;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.SnapStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends holds whose time is up. Triggered by the hold-expiry SQS queue (each message delayed by the
 * hold time); reports partial batch failures, so one failing message is retried alone and, after
 * the queue's redrive count, lands in the dead-letter queue.
 */
public final class HoldExpiryHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, SnapStart.Hooked {
    private static final System.Logger LOG = System.getLogger(HoldExpiryHandler.class.getName());

    private final BookingService bookings;
    private final Config.Telemetry telemetry = Log.setUp();
    private final Log.Sink sink = Log.STANDARD_OUTPUT;
    private final AtomicBoolean cold = new AtomicBoolean(true);
    /** Primes with an expiry message for a booking that never exists (a read, no write); held since CRaC holds it weakly. */
    private final SnapStart snapStart = SnapStart.register(getClass().getSimpleName(), this::prime);

    public HoldExpiryHandler() {
        this(Config.fromEnvironment());
    }

    private HoldExpiryHandler(Config config) {
        this(BookingService.create(config));
        Dependency.prepareInBackground(config, Dependency.DYNAMODB);
    }

    public HoldExpiryHandler(BookingService bookings) {
        this.bookings = bookings;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        long start = System.nanoTime();
        Metrics.Document metrics = Metrics.begin(telemetry.metricsNamespace(), "Function", "HoldExpiry");
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (!handle(message)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        if (!failures.isEmpty()) {
            Metrics.count("ExpiryMessagesFailed", failures.size(), "Function", "HoldExpiry");
        }
        report(event.getRecords().size(), failures.size(), (System.nanoTime() - start) / 1e6, metrics, context);
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** One line per batch, and its metrics document; never the messages' bodies. */
    private void report(int messages, int failed, double latencyMs, Metrics.Document metrics, Context context) {
        long now = System.currentTimeMillis();
        boolean coldStart = cold.getAndSet(false);
        Log.Level level = failed > 0 ? Log.Level.WARN : Log.Level.INFO;
        if (level.compareTo(telemetry.logLevel()) >= 0) {
            sink.write(Log.record(now, level, "hold-expiry batch of " + messages + ", " + failed + " failed", context)
                    .field("messages", messages).field("failed", failed)
                    .field("latency_ms", Math.round(latencyMs * 1000) / 1000.0)
                    .field("cold_start", coldStart).finish());
        }
        metrics.end(now).forEach(sink::write);
    }

    @Override
    public SnapStart snapStart() {
        return snapStart;
    }

    private String prime() {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("snapstart-priming");
        message.setBody(new ExpiryMessage(9_007_199_254_740_991L).toJson());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        SQSBatchResponse answer = handleRequest(event, SnapStart.primingContext(getClass().getSimpleName()));
        return answer.getBatchItemFailures().size() + " failed messages";
    }

    private boolean handle(SQSEvent.SQSMessage message) {
        Optional<ExpiryMessage> expiry = ExpiryMessage.parse(message.getBody());
        if (expiry.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "Message " + message.getMessageId() + " is not a hold-expiry message; it will go to the dead-letter queue");
            return false;
        }
        try {
            BookingService.Expiry result = bookings.expire(expiry.get().bookingId());
            if (!result.settled()) {
                LOG.log(System.Logger.Level.WARNING, "Expiring booking " + expiry.get().bookingId() + ": " + result + "; SQS will retry");
                return false;
            }
            if (result == BookingService.Expiry.EXPIRED) {
                Metrics.count("HoldsExpired");
            }
            LOG.log(System.Logger.Level.DEBUG, "Booking " + expiry.get().bookingId() + ": " + result);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Expiring booking " + expiry.get().bookingId() + " failed; SQS will retry", e);
            return false;
        }
    }
}
