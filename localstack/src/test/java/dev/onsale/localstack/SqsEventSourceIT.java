package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.onsale.localstack.handlers.SqsBatchHandler;
import dev.onsale.localstack.handlers.SqsBatchHandler.ReceivedBatch;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

class SqsEventSourceIT {

    private static LocalStack stack;
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startStack() {
        stack = TestStack.get();
    }

    @AfterEach
    void pollersRunAgain() {
        stack.resumePollers();
    }

    private void send(String queue, List<String> bodies) {
        String url = stack.physicalId(queue);
        for (int start = 0; start < bodies.size(); start += 10) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(start, Math.min(bodies.size(), start + 10))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build())
                    .toList();
            assertTrue(stack.sqs().sendMessageBatch(batch -> batch.queueUrl(url).entries(entries)).failed().isEmpty());
        }
    }

    /** Every delivery of a message whose body contains this test's tag, in the order received. */
    private List<SQSEvent.SQSMessage> deliveries() {
        return SqsBatchHandler.RECEIVED.stream()
                .flatMap(batch -> batch.event().getRecords().stream())
                .filter(message -> message.getBody().contains(tag))
                .toList();
    }

    private List<ReceivedBatch> batches() {
        return SqsBatchHandler.RECEIVED.stream()
                .filter(batch -> batch.event().getRecords().stream().anyMatch(message -> message.getBody().contains(tag)))
                .toList();
    }

    private static <T> T await(Duration timeout, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                fail("timed out; last seen: " + value);
            }
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }

    private static String receiveCount(SQSEvent.SQSMessage message) {
        return message.getAttributes().get("ApproximateReceiveCount");
    }

    @Test
    void messagesArriveTogetherInOneBatchUpToTheBatchSize() throws Exception {
        stack.pausePollers();
        send("WorkQueue", IntStream.range(0, 5).mapToObj(i -> "batch-" + tag + "-" + i).toList());
        stack.resumePollers();

        List<ReceivedBatch> batches = await(Duration.ofSeconds(10), this::batches,
                received -> received.stream().mapToInt(batch -> batch.event().getRecords().size()).sum() >= 5);
        assertEquals(1, batches.size(), "one batch of 5");
        SQSEvent.SQSMessage first = batches.getFirst().event().getRecords().getFirst();
        assertEquals("aws:sqs", first.getEventSource());
        assertEquals(stack.attribute("WorkQueue", "Arn"), first.getEventSourceArn());
        assertEquals("us-east-1", first.getAwsRegion());
        assertEquals("1", receiveCount(first));
        for (String attribute : new String[] {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"}) {
            assertTrue(first.getAttributes().containsKey(attribute), attribute + " in " + first.getAttributes());
        }
        assertFalse(first.getMd5OfBody().isEmpty());
        assertFalse(first.getReceiptHandle().isEmpty());
    }

    @Test
    void aBatchingWindowCollectsMoreThanOneReceiveCanReturn() throws Exception {
        stack.pausePollers();
        send("WindowQueue", IntStream.range(0, 15).mapToObj(i -> "window-" + tag + "-" + i).toList());
        stack.resumePollers();

        List<ReceivedBatch> batches = await(Duration.ofSeconds(10), this::batches,
                received -> received.stream().mapToInt(batch -> batch.event().getRecords().size()).sum() >= 15);
        assertEquals(List.of(15), batches.stream().map(batch -> batch.event().getRecords().size()).toList());
    }

    @Test
    void reportedFailuresComeBackAndTheRestIsDeleted() throws Exception {
        stack.pausePollers();
        send("WorkQueue", List.of("ok-" + tag + "-1", "fail-" + tag, "ok-" + tag + "-2"));
        stack.resumePollers();

        await(Duration.ofSeconds(10), this::deliveries, seen -> seen.stream()
                .anyMatch(message -> message.getBody().startsWith("fail-") && receiveCount(message).equals("2")));
        Thread.sleep(1_500); // longer than the visibility timeout: anything not deleted would be back by now
        List<SQSEvent.SQSMessage> seen = deliveries();
        assertEquals(1, seen.stream().filter(message -> message.getBody().equals("ok-" + tag + "-1")).count());
        assertEquals(1, seen.stream().filter(message -> message.getBody().equals("ok-" + tag + "-2")).count());
    }

    @Test
    void aFailedMessageEndsInTheDeadLetterQueueAfterMaxReceiveCount() throws Exception {
        String body = "fail-dlq-" + tag;
        send("WorkQueue", List.of(body));

        String deadLetterUrl = stack.physicalId("WorkDeadLetterQueue");
        List<Message> deadLetters = await(Duration.ofSeconds(15),
                () -> stack.sqs().receiveMessage(receive -> receive.queueUrl(deadLetterUrl).waitTimeSeconds(1)
                        .maxNumberOfMessages(10)).messages().stream().filter(message -> message.body().equals(body)).toList(),
                found -> !found.isEmpty());
        stack.sqs().deleteMessage(delete -> delete.queueUrl(deadLetterUrl).receiptHandle(deadLetters.getFirst().receiptHandle()));
        assertEquals(List.of("1", "2"), deliveries().stream().map(SqsEventSourceIT::receiveCount).toList(),
                "maxReceiveCount is 2");
    }

    @Test
    void aThrowingFunctionFailsTheWholeBatch() throws Exception {
        stack.pausePollers();
        send("WholeBatchQueue", List.of("throw-once-" + tag, "innocent-" + tag));
        stack.resumePollers();

        await(Duration.ofSeconds(10), this::deliveries, seen -> seen.stream()
                .anyMatch(message -> message.getBody().startsWith("innocent-") && receiveCount(message).equals("2")));
        Thread.sleep(1_500);
        assertEquals(2, deliveries().stream().filter(message -> message.getBody().startsWith("innocent-")).count(),
                "delivered again with the failed batch, then deleted");
    }

    @Test
    void withoutReportBatchItemFailuresTheResultIsIgnoredAndTheBatchDeleted() throws Exception {
        send("WholeBatchQueue", List.of("fail-but-ignored-" + tag));
        await(Duration.ofSeconds(10), this::deliveries, seen -> !seen.isEmpty());
        Thread.sleep(1_500);
        assertEquals(1, deliveries().size());
    }

    @Test
    void delaySecondsHoldsMessagesBack() throws Exception {
        long sentAt = System.currentTimeMillis();
        send("DelayedQueue", List.of("delayed-" + tag));
        List<ReceivedBatch> batches = await(Duration.ofSeconds(10), this::batches, received -> !received.isEmpty());
        long delay = batches.getFirst().receivedAtMillis() - sentAt;
        assertTrue(delay >= 1_900, "delivered after " + delay + " ms; DelaySeconds is 2");
    }

    @Test
    void pausedPollersLeaveMessagesOnTheQueue() throws Exception {
        stack.pausePollers();
        send("WholeBatchQueue", List.of("paused-" + tag));
        Thread.sleep(1_200);
        assertTrue(deliveries().isEmpty());
        String url = stack.physicalId("WholeBatchQueue");
        List<Message> waiting = stack.sqs().receiveMessage(receive -> receive.queueUrl(url).waitTimeSeconds(1)).messages();
        assertEquals(List.of("paused-" + tag), waiting.stream().map(Message::body).toList());
        stack.sqs().deleteMessage(delete -> delete.queueUrl(url).receiptHandle(waiting.getFirst().receiptHandle()));
    }
}
