package dev.onsale.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A function's answer to a batch when its event source mapping has {@code ReportBatchItemFailures} on,
 * read as Lambda reads it for SQS and for streams alike: {@code {"batchItemFailures": [{"itemIdentifier": ...}]}}
 * ({@code SQSBatchResponse}, {@code StreamsEventResponse}, a Map, or a stream handler's JSON).
 */
sealed interface BatchResponse {

    /** No answer, no list or an empty one: the whole batch succeeded. */
    record Succeeded() implements BatchResponse {}

    /** The identifiers (message ids, sequence numbers) the function reported, each one of the batch's. */
    record ItemsFailed(List<String> itemIdentifiers) implements BatchResponse {}

    /** Not a batch response, or an identifier that is null, empty or not in the batch: Lambda fails the whole batch. */
    record Invalid(String reason) implements BatchResponse {}

    static BatchResponse read(Object result, Set<String> identifiersInBatch) {
        if (result == null) {
            return new Succeeded();
        }
        JsonNode response;
        try {
            response = LambdaJson.mapper().valueToTree(result);
        } catch (IllegalArgumentException unserializable) {
            return new Invalid("the function returned " + result + " rather than a batch response");
        }
        if (response.isNull()) {
            return new Succeeded();
        }
        if (!response.isObject()) {
            return new Invalid("the function returned " + result + " rather than a batch response");
        }
        JsonNode failures = response.path("batchItemFailures");
        if (failures.isMissingNode() || failures.isNull()) {
            return new Succeeded();
        }
        if (!failures.isArray()) {
            return new Invalid("batchItemFailures is " + failures + ", not a list");
        }
        if (failures.isEmpty()) {
            return new Succeeded();
        }
        List<String> identifiers = new ArrayList<>();
        for (JsonNode failure : failures) {
            JsonNode identifier = failure.path("itemIdentifier");
            String id = identifier.isTextual() ? identifier.asText() : null;
            if (id == null || id.isEmpty() || !identifiersInBatch.contains(id)) {
                return new Invalid("the function reported the failure of " + (identifier.isMissingNode() ? "null" : identifier)
                        + ", which is not an item of the batch");
            }
            identifiers.add(id);
        }
        return new ItemsFailed(List.copyOf(identifiers));
    }
}
