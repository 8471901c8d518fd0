package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchResponseTest {

    private static final Set<String> BATCH = Set.of("1", "2", "3");

    @Test
    void noAnswerOrNoFailuresIsSuccess() {
        for (Object answer : new Object[] {null, new StreamsEventResponse(), new StreamsEventResponse(List.of()),
                Map.of(), LambdaJson.mapper().createObjectNode().putNull("batchItemFailures")}) {
            assertEquals(new BatchResponse.Succeeded(), BatchResponse.read(answer, BATCH), String.valueOf(answer));
        }
    }

    @Test
    void reportedItemsOfTheBatchFail() {
        assertEquals(new BatchResponse.ItemsFailed(List.of("3", "2")), BatchResponse.read(new StreamsEventResponse(List.of(
                new StreamsEventResponse.BatchItemFailure("3"), new StreamsEventResponse.BatchItemFailure("2"))), BATCH));
        assertEquals(new BatchResponse.ItemsFailed(List.of("1")), BatchResponse.read(SQSBatchResponse.builder()
                .withBatchItemFailures(List.of(new SQSBatchResponse.BatchItemFailure("1"))).build(), BATCH));
        assertEquals(new BatchResponse.ItemsFailed(List.of("2")),
                BatchResponse.read(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "2"))), BATCH));
    }

    @Test
    void anIdentifierThatIsEmptyNullOrNotOfTheBatchOrNoBatchResponseFailsTheWholeBatch() {
        for (Object answer : new Object[] {
                new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure("4"))),
                new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(""))),
                new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(null))),
                Map.of("batchItemFailures", List.of(Map.of())),
                Map.of("batchItemFailures", "1"),
                "ok"}) {
            assertInstanceOf(BatchResponse.Invalid.class, BatchResponse.read(answer, BATCH), String.valueOf(answer));
        }
    }
}
