package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, locally: long-polls one queue and invokes one function with batches
 * of messages, then deletes what was processed.
 *
 * <ul>
 *   <li>The function throws: nothing is deleted; the batch comes back after the visibility timeout (and
 *       reaches the dead-letter queue after maxReceiveCount).</li>
 *   <li>ReportBatchItemFailures on: everything but the reported failures is deleted. A failure whose
 *       itemIdentifier is null, empty or not in the batch fails the whole batch, as in Lambda.</li>
 *   <li>ReportBatchItemFailures off: the result is ignored and the whole batch deleted.</li>
 * </ul>
 */
final class SqsEventSourcePoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsEventSourcePoller.class);
    private static final int MAX_MESSAGES_PER_RECEIVE = 10;
    private static final int WAIT_TIME_SECONDS = 1;
    private static final long BACKOFF_AFTER_ERROR_MILLIS = 1_000;

    private final FunctionDefinition.SqsEventSource source;
    private final String queueUrl;
    private final LocalFunction function;
    private final SqsClient sqs;
    private final String region;
    private final ReentrantLock cycle = new ReentrantLock();
    private final Object pauseSignal = new Object();
    private volatile boolean paused;
    private volatile boolean running = true;
    private Thread thread;

    SqsEventSourcePoller(FunctionDefinition.SqsEventSource source, String queueUrl, LocalFunction function,
                         SqsClient sqs, String region) {
        this.source = source;
        this.queueUrl = queueUrl;
        this.function = function;
        this.sqs = sqs;
        this.region = region;
    }

    String description() {
        return function.definition().logicalId() + "." + source.eventName() + " <- " + queueUrl;
    }

    synchronized void start(boolean startPaused) {
        paused = startPaused;
        thread = Thread.ofPlatform().daemon()
                .name("sqs-" + function.definition().logicalId() + "-" + source.eventName())
                .start(this::pollUntilClosed);
    }

    /** Lets no new receive start until {@link #resume()}; see {@link #awaitIdle()}. */
    void requestPause() {
        paused = true;
    }

    /** Returns once no receive or invocation is in flight (at most one long poll, plus the invocation). */
    void awaitIdle() {
        cycle.lock();
        cycle.unlock();
    }

    void resume() {
        paused = false;
        synchronized (pauseSignal) {
            pauseSignal.notifyAll();
        }
    }

    /** Asks the poller to stop after its current receive, without waiting: see {@link #close()}. */
    void signalStop() {
        running = false;
        resume();
    }

    @Override
    public void close() {
        signalStop();
        Thread poller;
        synchronized (this) {
            poller = thread;
        }
        if (poller != null) {
            try {
                poller.join((WAIT_TIME_SECONDS + 2) * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pollUntilClosed() {
        while (running) {
            awaitResumed();
            cycle.lock();
            try {
                if (running && !paused) {
                    pollOnce();
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("{}: polling failed; retrying in {} ms", description(), BACKOFF_AFTER_ERROR_MILLIS, e);
                    sleep(BACKOFF_AFTER_ERROR_MILLIS);
                }
            } finally {
                cycle.unlock();
            }
        }
    }

    private void awaitResumed() {
        synchronized (pauseSignal) {
            while (paused && running) {
                try {
                    pauseSignal.wait(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void pollOnce() {
        List<Message> batch = receiveBatch();
        if (batch.isEmpty()) {
            return;
        }
        Object result;
        try {
            result = function.invoke(toEvent(batch));
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            log.warn("{} failed on a batch of {}; the messages return after the visibility timeout",
                    description(), batch.size(), e);
            return;
        }
        Set<String> failedIds = source.reportBatchItemFailures() ? reportedFailures(result, batch) : Set.of();
        if (failedIds == null) {
            return;
        }
        List<Message> processed = batch.stream().filter(message -> !failedIds.contains(message.messageId())).toList();
        delete(processed);
    }

    /** Up to BatchSize messages; with a batching window, keeps receiving until the batch is full or the window closes. */
    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>(receive(Math.min(source.batchSize(), MAX_MESSAGES_PER_RECEIVE), WAIT_TIME_SECONDS));
        if (batch.isEmpty() || source.maximumBatchingWindowSeconds() <= 0) {
            return batch;
        }
        long windowEnd = System.currentTimeMillis() + source.maximumBatchingWindowSeconds() * 1000L;
        while (batch.size() < source.batchSize() && running && System.currentTimeMillis() < windowEnd) {
            long remainingSeconds = Math.max(0, (windowEnd - System.currentTimeMillis()) / 1000);
            batch.addAll(receive(Math.min(source.batchSize() - batch.size(), MAX_MESSAGES_PER_RECEIVE),
                    (int) Math.min(WAIT_TIME_SECONDS, remainingSeconds)));
        }
        return batch;
    }

    private List<Message> receive(int maxMessages, int waitSeconds) {
        return sqs.receiveMessage(receive -> receive.queueUrl(queueUrl)
                        .maxNumberOfMessages(maxMessages)
                        .waitTimeSeconds(waitSeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"))
                .messages();
    }

    /** @return the ids to keep on the queue; null when the whole batch failed */
    private Set<String> reportedFailures(Object result, List<Message> batch) {
        if (result == null) {
            return Set.of();
        }
        SQSBatchResponse response;
        try {
            response = result instanceof SQSBatchResponse typed
                    ? typed : LambdaJson.mapper().convertValue(result, SQSBatchResponse.class);
        } catch (IllegalArgumentException notABatchResponse) {
            log.warn("{} returned {} rather than a batch response: the whole batch failed", description(), result);
            return null;
        }
        if (response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return Set.of();
        }
        Set<String> inBatch = batch.stream().map(Message::messageId).collect(Collectors.toSet());
        Set<String> failed = new HashSet<>();
        for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure == null ? null : failure.getItemIdentifier();
            if (id == null || id.isEmpty() || !inBatch.contains(id)) {
                log.warn("{} reported the failure of {}, which is not a message of the batch: the whole batch failed",
                        description(), id);
                return null;
            }
            failed.add(id);
        }
        return failed;
    }

    private void delete(List<Message> messages) {
        for (int start = 0; start < messages.size(); start += MAX_MESSAGES_PER_RECEIVE) {
            List<Message> chunk = messages.subList(start, Math.min(messages.size(), start + MAX_MESSAGES_PER_RECEIVE));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(String.valueOf(i)).receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            List<BatchResultErrorEntry> errors = sqs.deleteMessageBatch(delete -> delete.queueUrl(queueUrl).entries(entries)).failed();
            if (!errors.isEmpty()) {
                log.warn("{}: could not delete processed messages: {}", description(), errors);
            }
        }
    }

    private SQSEvent toEvent(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.size());
        for (Message message : batch) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            record.setAttributes(new HashMap<>(message.attributesAsStrings()));
            record.setMessageAttributes(messageAttributes(message.messageAttributes()));
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(source.queueArn());
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, SQSEvent.MessageAttribute> messageAttributes(Map<String, MessageAttributeValue> attributes) {
        Map<String, SQSEvent.MessageAttribute> converted = new HashMap<>();
        attributes.forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            if (value.binaryValue() != null) {
                attribute.setBinaryValue(ByteBuffer.wrap(value.binaryValue().asByteArray()));
            }
            attribute.setStringListValues(value.hasStringListValues() ? value.stringListValues() : List.of());
            attribute.setBinaryListValues(value.hasBinaryListValues()
                    ? value.binaryListValues().stream().map(SdkBytes::asByteBuffer).toList() : List.of());
            converted.put(name, attribute);
        });
        return converted;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
