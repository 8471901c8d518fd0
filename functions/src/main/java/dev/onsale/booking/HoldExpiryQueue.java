package dev.onsale.booking;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS queue that wakes the expiry function when a hold's time is up. SQS delays a message by
 * at most 15 minutes, so a longer hold is woken early and the expiry function sends the rest again.
 */
public final class HoldExpiryQueue {
    static final Duration MAX_DELAY = Duration.ofSeconds(900);

    /** Built on first use: a function that never holds seats never loads the SQS client. */
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public HoldExpiryQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Asks to be woken at {@code expiresAt} (or 15 minutes from {@code now}, whichever is first). */
    public void wakeAt(long bookingId, Instant expiresAt, Instant now) {
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(new ExpiryMessage(bookingId).toJson())
                .delaySeconds(delaySeconds(expiresAt, now)));
    }

    /** Whole seconds until {@code expiresAt}, rounded up so the message never comes early, capped by SQS. */
    static int delaySeconds(Instant expiresAt, Instant now) {
        long millis = Duration.between(now, expiresAt).toMillis();
        long seconds = Math.max(0, (millis + 999) / 1000);
        return (int) Math.min(seconds, MAX_DELAY.toSeconds());
    }
}
