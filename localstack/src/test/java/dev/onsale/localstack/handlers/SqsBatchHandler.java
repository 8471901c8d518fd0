package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records every batch it gets; reports as failed each message whose body contains "fail", and throws
 * (failing the whole batch) when a body starts with "throw-once" and this is its first delivery.
 */
public class SqsBatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** A batch as received, with when it arrived. */
    public record ReceivedBatch(String functionName, SQSEvent event, long receivedAtMillis) {}

    public static final Queue<ReceivedBatch> RECEIVED = new ConcurrentLinkedQueue<>();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        RECEIVED.add(new ReceivedBatch(context.getFunctionName(), event, System.currentTimeMillis()));
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (message.getBody().startsWith("throw-once") && message.getAttributes().get("ApproximateReceiveCount").equals("1")) {
                throw new IllegalStateException("failing the whole batch on purpose");
            }
            if (message.getBody().contains("fail")) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
