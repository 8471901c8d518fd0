package dev.onsale.presale;

import dev.onsale.platform.WriteRetries;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The codes table: the only code that knows its items. A code is {@code CODE#<hash>} (never the code: see
 * {@link CodeFormat#hash}) with its event, id, uses, use count and window, listed per event by the {@code byEvent}
 * index (event id, code id). A redemption is {@code REDEMPTION#<hash>#<user>}: one per fan and code, written in the
 * same transaction as the use it counts, so a fan who redeems twice uses a code once. Redemptions carry no
 * {@code codeId}, so the index holds codes only.
 */
public final class CodeStore {
    static final String BY_EVENT = "byEvent";
    private static final int BATCH = 25;

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public CodeStore(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A new code to store: its hash and what is shown of it. */
    record NewCode(String hash, PresaleCode code) {
    }

    /** What a redemption's write came to. */
    sealed interface Redemption {
        record Done() implements Redemption {
        }

        /** This fan redeemed this code before: nothing was written. */
        record AlreadyRedeemed() implements Redemption {
        }

        /** The code's condition failed: as it was then (empty when there is no such code). */
        record Refused(Optional<PresaleCode> code) implements Redemption {
        }

        record Contended() implements Redemption, WriteRetries.Contended {
        }

        record Throttled() implements Redemption, WriteRetries.Throttled {
        }
    }

    /** Writes that DynamoDB left unprocessed (throttling): worth another attempt after a back-off. */
    private record Unprocessed() implements WriteRetries.Throttled {
    }

    /** Puts the codes, 25 a call; answers false when throttling outlasted {@code retries}' attempts. */
    boolean putAll(List<NewCode> codes, Supplier<WriteRetries> retries) {
        for (int from = 0; from < codes.size(); from += BATCH) {
            List<WriteRequest> pending = codes.subList(from, Math.min(codes.size(), from + BATCH)).stream()
                    .map(code -> WriteRequest.builder().putRequest(PutRequest.builder().item(item(code)).build()).build())
                    .toList();
            WriteRetries attempts = retries.get();
            while (!pending.isEmpty()) {
                if (!attempts.another()) {
                    return false;
                }
                Map<String, List<WriteRequest>> request = Map.of(table, pending);
                BatchWriteItemResponse response = dynamo.get().batchWriteItem(b -> b.requestItems(request));
                List<WriteRequest> left = response.unprocessedItems().getOrDefault(table, List.of());
                pending = left;
                if (!left.isEmpty()) {
                    attempts.backedOff(new Unprocessed());
                }
            }
        }
        return true;
    }

    Optional<PresaleCode> find(String hash) {
        Map<String, AttributeValue> item = dynamo.get().getItem(b -> b.tableName(table).key(codeKey(hash)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(code(item));
    }

    /** A page of an event's codes, by id, after {@code after}; {@code more} when there may be more (the next may be empty). */
    record Page(List<PresaleCode> codes, boolean more) {
    }

    Page list(long eventId, Optional<String> after, int limit) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":e", n(eventId)));
        after.ifPresent(id -> values.put(":after", s(id)));
        QueryResponse response = dynamo.get().query(b -> b.tableName(table).indexName(BY_EVENT)
                .keyConditionExpression(after.isPresent() ? "eventId = :e AND codeId > :after" : "eventId = :e")
                .expressionAttributeValues(values)
                .limit(limit));
        List<PresaleCode> codes = response.items().stream().map(CodeStore::code).toList();
        // a page may also end at DynamoDB's 1 MB before the limit: more whenever it says so
        return new Page(codes, response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() && !codes.isEmpty());
    }

    /**
     * One use of the code by the fan, in one transaction: the code's count goes up only while uses are left and
     * {@code now} is in its window, and the fan's redemption is put only if there is none.
     */
    Redemption redeem(String hash, String userId, PresaleCode code, Instant now) {
        long nowMs = now.toEpochMilli();
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().update(u -> u.tableName(table).key(codeKey(hash))
                        .updateExpression("SET used = used + :one")
                        .conditionExpression("attribute_exists(pk) AND used < uses"
                                + " AND (attribute_not_exists(validFrom) OR validFrom <= :now)"
                                + " AND (attribute_not_exists(validUntil) OR validUntil > :now)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":now", n(nowMs)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of("pk", s(redemptionKey(hash, userId)), "eventId", n(code.eventId()),
                                "redeemedCode", s(code.id()), "userId", s(userId), "redeemedAt", s(now.toString())))
                        .conditionExpression("attribute_not_exists(pk)")).build());
        try {
            dynamo.get().transactWriteItems(b -> b.transactItems(items));
            return new Redemption.Done();
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                return new Redemption.Contended();
            }
            if (reasons.stream().anyMatch(r -> "ThrottlingError".equals(r.code()) || "ProvisionedThroughputExceeded".equals(r.code()))) {
                return new Redemption.Throttled();
            }
            if (failed(reasons, 1)) {
                return new Redemption.AlreadyRedeemed();
            }
            if (failed(reasons, 0)) {
                Map<String, AttributeValue> old = reasons.getFirst().item();
                return new Redemption.Refused(old == null || old.isEmpty() ? Optional.empty() : Optional.of(code(old)));
            }
            throw e;
        } catch (AwsServiceException e) {
            if (e.isThrottlingException()) {
                return new Redemption.Throttled();
            }
            throw e;
        }
    }

    /**
     * When the session the fan's redemption of the code opened ends: empty when the fan has no redemption; a
     * redemption without a session (the room could not be reached after the use was counted) answers {@link Instant#EPOCH}.
     */
    Optional<Instant> redemptionSession(String hash, String userId) {
        Map<String, AttributeValue> item = dynamo.get().getItem(b -> b.tableName(table)
                .key(Map.of("pk", s(redemptionKey(hash, userId)))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue ends = item.get("sessionEndsAt");
        return Optional.of(ends == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(ends.n())));
    }

    /** Records the session the fan's redemption opened (or met: a session already open, a room that is off). */
    void admitted(String hash, String userId, Instant sessionEndsAt) {
        dynamo.get().updateItem(b -> b.tableName(table).key(Map.of("pk", s(redemptionKey(hash, userId))))
                .updateExpression("SET sessionEndsAt = :ends")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":ends", n(Math.max(1, sessionEndsAt.toEpochMilli())))));
    }

    private static Map<String, AttributeValue> item(NewCode code) {
        PresaleCode c = code.code();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s("CODE#" + code.hash()));
        item.put("eventId", n(c.eventId()));
        item.put("codeId", s(c.id()));
        item.put("uses", n(c.uses()));
        item.put("used", n(c.used()));
        item.put("hint", s(c.hint()));
        item.put("createdAt", s(c.createdAt().toString()));
        c.label().ifPresent(label -> item.put("label", s(label)));
        c.validFrom().ifPresent(from -> item.put("validFrom", n(from.toEpochMilli())));
        c.validUntil().ifPresent(until -> item.put("validUntil", n(until.toEpochMilli())));
        return item;
    }

    private static PresaleCode code(Map<String, AttributeValue> item) {
        return new PresaleCode(item.get("codeId").s(), Long.parseLong(item.get("eventId").n()),
                Optional.ofNullable(item.get("label")).map(AttributeValue::s),
                Integer.parseInt(item.get("uses").n()), Integer.parseInt(item.get("used").n()),
                Optional.ofNullable(item.get("validFrom")).map(v -> Instant.ofEpochMilli(Long.parseLong(v.n()))),
                Optional.ofNullable(item.get("validUntil")).map(v -> Instant.ofEpochMilli(Long.parseLong(v.n()))),
                item.get("hint").s(), Instant.parse(item.get("createdAt").s()));
    }

    private static Map<String, AttributeValue> codeKey(String hash) {
        return Map.of("pk", s("CODE#" + hash));
    }

    private static String redemptionKey(String hash, String userId) {
        return "REDEMPTION#" + hash + "#" + userId;
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
