package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
final class SqsEventSourcePoller extends EventSourcePoller {

    private static final Logger log = LoggerFactory.getLogger(SqsEventSourcePoller.class);
    private static final int MAX_MESSAGES_PER_RECEIVE = 10;
    private static final int WAIT_TIME_SECONDS = 1;

    private final FunctionDefinition.SqsEventSource source;
    private final String queueUrl;
    private final LocalFunction function;
    private final SqsClient sqs;
    private final String region;

    SqsEventSourcePoller(FunctionDefinition.SqsEventSource source, String queueUrl, LocalFunction function,
                         SqsClient sqs, String region) {
        super("sqs-" + function.definition().logicalId() + "-" + source.eventName());
        this.source = source;
        this.queueUrl = queueUrl;
        this.function = function;
        this.sqs = sqs;
        this.region = region;
    }

    @Override
    String description() {
        return function.definition().logicalId() + "." + source.eventName() + " <- " + queueUrl;
    }

    @Override
    String sourceType() {
        return "SQS";
    }

    @Override
    long stopTimeoutMillis() {
        return (WAIT_TIME_SECONDS + 2) * 1000L;
    }

    /** One long poll (its wait is the idle wait), then the batch's invocation and deletes. */
    @Override
    boolean pollOnce() {
        List<Message> batch = receiveBatch();
        if (batch.isEmpty()) {
            return true;
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
            return true;
        }
        Set<String> failedIds = Set.of();
        if (source.reportBatchItemFailures()) {
            Set<String> inBatch = batch.stream().map(Message::messageId).collect(Collectors.toSet());
            switch (BatchResponse.read(result, inBatch)) {
                case BatchResponse.Succeeded succeeded -> { }
                case BatchResponse.ItemsFailed failed -> failedIds = Set.copyOf(failed.itemIdentifiers());
                case BatchResponse.Invalid invalid -> {
                    log.warn("{}: {}: the whole batch failed", description(), invalid.reason());
                    return true;
                }
            }
        }
        Set<String> keep = failedIds;
        delete(batch.stream().filter(message -> !keep.contains(message.messageId())).toList());
        return true;
    }

    /** Up to BatchSize messages; with a batching window, keeps receiving until the batch is full or the window closes. */
    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>(receive(Math.min(source.batchSize(), MAX_MESSAGES_PER_RECEIVE), WAIT_TIME_SECONDS));
        if (batch.isEmpty() || source.maximumBatchingWindowSeconds() <= 0) {
            return batch;
        }
        long windowEnd = System.currentTimeMillis() + source.maximumBatchingWindowSeconds() * 1000L;
        while (batch.size() < source.batchSize() && isRunning() && System.currentTimeMillis() < windowEnd) {
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
}
