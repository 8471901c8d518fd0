package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

class StreamShardTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final long MILLI = Duration.ofMillis(1).toNanos();
    private static final StreamShard.Outcome DELIVERED = new StreamShard.Outcome.Delivered();
    private static final StreamShard.Outcome THREW = new StreamShard.Outcome.FunctionError();

    private record Settings(int batchSize, int windowSeconds, boolean bisect, int maximumRetryAttempts, int maximumAgeSeconds) {
        FunctionDefinition.DynamoDbEventSource source() {
            return new FunctionDefinition.DynamoDbEventSource("Changes", "arn:stream", FunctionDefinition.StartingPosition.TRIM_HORIZON,
                    batchSize, windowSeconds, true, bisect, maximumRetryAttempts, maximumAgeSeconds, null, true, 1, EventFilter.NONE);
        }
    }

    private static Record record(int sequenceNumber, Instant created) {
        return Record.builder().eventName("INSERT").dynamodb(StreamRecord.builder()
                .sequenceNumber(String.valueOf(sequenceNumber)).approximateCreationDateTime(created).build()).build();
    }

    private static List<Record> records(int... sequenceNumbers) {
        return Arrays.stream(sequenceNumbers).mapToObj(number -> record(number, NOW)).toList();
    }

    private static StreamShard shardHolding(Settings settings, List<Record> records) {
        StreamShard shard = new StreamShard("shard-1", null, settings.source());
        shard.start("iterator-1", ShardIteratorType.TRIM_HORIZON);
        shard.read(records, "iterator-2", 0, 0);
        return shard;
    }

    private static List<String> next(StreamShard shard, long nowNanos) {
        return shard.nextBatch(nowNanos).map(StreamShardTest::sequenceNumbers).orElse(List.of());
    }

    private static List<String> sequenceNumbers(StreamShard.Batch batch) {
        return batch.records().stream().map(record -> record.dynamodb().sequenceNumber()).toList();
    }

    @Test
    void aBatchWaitsForItsWindowUnlessItIsFull() {
        StreamShard shard = shardHolding(new Settings(3, 1, false, -1, -1), records(1, 2));

        assertEquals(List.of(), next(shard, 999 * MILLI));
        assertEquals(List.of("1", "2"), next(shard, 1_000 * MILLI));

        StreamShard full = shardHolding(new Settings(3, 1, false, -1, -1), records(1, 2, 3, 4));
        assertEquals(List.of("1", "2", "3"), next(full, 0));
    }

    @Test
    void bisectingHalvesAFailingBatchUntilThePoisonRecordIsAloneAndOnlyItsRetriesCount() {
        StreamShard shard = shardHolding(new Settings(10, 0, true, 1, -1), records(1, 2, 3, 4));
        List<List<String>> invoked = new ArrayList<>();
        Optional<StreamShard.Discarded> discarded = Optional.empty();
        long now = 0;
        for (StreamShard.Outcome outcome : List.of(THREW, THREW, DELIVERED, THREW, THREW, DELIVERED)) {
            invoked.add(next(shard, now));
            Optional<StreamShard.Discarded> givenUp = shard.invoked(outcome, now);
            if (givenUp.isPresent()) {
                discarded = givenUp;
            }
            now += Duration.ofSeconds(3).toNanos(); // past any retry delay
        }

        assertEquals(List.of(List.of("1", "2", "3", "4"), List.of("1", "2"), List.of("1"), List.of("2"), List.of("2"),
                List.of("3", "4")), invoked, "record 2 alone gets its one retry");
        StreamShard.Discarded poison = discarded.orElseThrow();
        assertEquals(List.of("2"), sequenceNumbers(poison.batch()));
        assertEquals(StreamShard.RETRY_ATTEMPTS_EXHAUSTED, poison.condition());
        assertTrue(poison.functionError());
        assertEquals(4, poison.batch().invocations(), "the whole batch, its first half, then record 2 alone twice");
        assertEquals(List.of(), next(shard, now), "nothing left");
    }

    @Test
    void aReportedFailureCheckpointsBeforeItAndRetriesFromItAfterADelay() {
        StreamShard shard = shardHolding(new Settings(10, 0, false, 1, -1), records(1, 2, 3));
        next(shard, 0);

        assertTrue(shard.invoked(new StreamShard.Outcome.FailedFrom(1), 0).isEmpty());
        assertEquals(List.of(), next(shard, 99 * MILLI), "retries wait 100 ms first");
        assertEquals(List.of("2", "3"), next(shard, 100 * MILLI));

        StreamShard.Discarded discarded = shard.invoked(new StreamShard.Outcome.FailedFrom(0), 100 * MILLI).orElseThrow();
        assertEquals(List.of("2", "3"), sequenceNumbers(discarded.batch()));
        assertEquals(2, discarded.batch().invocations());
        assertFalse(discarded.functionError(), "the function answered");
        assertEquals(List.of(), next(shard, Long.MAX_VALUE / 2), "nothing left");
    }

    @Test
    void retriesWaitTwiceAsLongEachTimeUpToTwoSeconds() {
        StreamShard shard = shardHolding(new Settings(10, 0, false, -1, -1), records(1));
        long now = 0;
        for (long expectedDelayMillis : new long[] {100, 200, 400, 800, 1_600, 2_000, 2_000}) {
            next(shard, now);
            shard.invoked(THREW, now);
            assertEquals(List.of(), next(shard, now + (expectedDelayMillis - 1) * MILLI));
            now += expectedDelayMillis * MILLI;
            assertEquals(List.of("1"), next(shard, now));
        }
    }

    @Test
    void recordsOlderThanTheMaximumAgeAreDiscardedBeforeTheInvocation() {
        StreamShard shard = shardHolding(new Settings(10, 0, false, -1, 60),
                List.of(record(1, NOW.minusSeconds(120)), record(2, NOW.minusSeconds(61)), record(3, NOW.minusSeconds(10))));
        next(shard, 0);

        StreamShard.Discarded expired = shard.discardExpired(NOW).orElseThrow();

        assertEquals(List.of("1", "2"), sequenceNumbers(expired.batch()));
        assertEquals(StreamShard.RECORD_AGE_EXCEEDED, expired.condition());
        assertEquals(0, expired.batch().invocations());
        assertEquals(List.of("3"), shard.currentBatch().map(StreamShardTest::sequenceNumbers).orElseThrow());
    }

    @Test
    void itHasCaughtUpOnceEverythingReadBeforeAnEmptyReadIsDone() {
        StreamShard shard = shardHolding(new Settings(10, 0, false, -1, -1), records(1, 2));
        shard.read(List.of(), "iterator-3", 7, 0);
        assertEquals(0, shard.caughtUpGeneration(), "1 and 2 are not delivered yet");

        next(shard, 0);
        shard.invoked(DELIVERED, 0);

        assertEquals(7, shard.caughtUpGeneration());
    }
}
