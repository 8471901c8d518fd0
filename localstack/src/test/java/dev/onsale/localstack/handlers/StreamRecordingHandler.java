package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stream handler that records every batch it gets and fails on the items that ask for it in their
 * {@code fail} attribute: {@code once} reports the record's failure on its first delivery, {@code always}
 * on every delivery, {@code throw} throws (failing the whole batch) every time.
 */
public class StreamRecordingHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    /** A batch as received, by which function. */
    public record ReceivedBatch(String functionName, DynamodbEvent event) {}

    public static final Queue<ReceivedBatch> RECEIVED = new ConcurrentLinkedQueue<>();
    private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        RECEIVED.add(new ReceivedBatch(context.getFunctionName(), event));
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            String sequenceNumber = record.getDynamodb().getSequenceNumber();
            switch (failWish(record.getDynamodb().getNewImage())) {
                case "throw" -> throw new IllegalStateException("failing the whole batch on purpose");
                case "always" -> failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber));
                case "once" -> {
                    if (FAILED_ONCE.add(context.getFunctionName() + "/" + sequenceNumber)) {
                        failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber));
                    }
                }
                default -> { }
            }
        }
        return new StreamsEventResponse(failures);
    }

    private static String failWish(Map<String, AttributeValue> image) {
        AttributeValue fail = image == null ? null : image.get("fail");
        return fail == null || fail.getS() == null ? "" : fail.getS();
    }
}
