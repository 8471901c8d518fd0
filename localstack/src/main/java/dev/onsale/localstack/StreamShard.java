package dev.onsale.localstack;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * One shard of a stream as a stream event source mapping reads it, and Lambda's rules for what follows an
 * invocation, without any I/O (the poller reads, invokes and sends; this decides):
 *
 * <ul>
 *   <li>Records are delivered in order, one batch at a time: up to BatchSize, once the batching window
 *       has passed since the first of them was read (at once without a window).</li>
 *   <li>Success checkpoints after the batch. A function error retries the batch; with
 *       BisectBatchOnFunctionError a batch of two or more is split in two instead, the first half tried
 *       first, and the split does not count as a retry. A reported item failure checkpoints before it and
 *       retries the batch from it; an invalid report retries the whole batch.</li>
 *   <li>Past MaximumRetryAttempts (-1: never), the records still failing are discarded, and so are
 *       records older than MaximumRecordAgeInSeconds before an invocation: they come back as
 *       {@link Discarded} for the on-failure destination, and reading goes on after them.</li>
 *   <li>Retries wait 100 ms, doubling up to 2 s, so a record that always fails is not a busy loop.</li>
 * </ul>
 *
 * <p>It also tracks how far it has caught up, for {@link DynamoDbStreamPoller#awaitCaughtUp}: a read that
 * found nothing marks the shard's tip, and once the checkpoint reaches it every record read before
 * that read is done. Only the poller's thread touches a shard.
 */
final class StreamShard {

    static final String RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted";
    static final String RECORD_AGE_EXCEEDED = "RecordAgeExceeded";
    private static final int MAX_RECORDS_PER_READ = 1000;
    private static final long FIRST_RETRY_DELAY_NANOS = Duration.ofMillis(100).toNanos();
    private static final long LONGEST_RETRY_DELAY_NANOS = Duration.ofSeconds(2).toNanos();

    /** A batch being delivered, and how often it (or the batch it was split from) was retried and invoked. */
    record Batch(List<Record> records, int retries, int invocations) {
        String firstSequenceNumber() {
            return records.getFirst().dynamodb().sequenceNumber();
        }

        String lastSequenceNumber() {
            return records.getLast().dynamodb().sequenceNumber();
        }
    }

    /** Records given up on: the batch they were last in, why ({@code RetryAttemptsExhausted}, {@code RecordAgeExceeded}), and whether that invocation threw. */
    record Discarded(Batch batch, String condition, boolean functionError) {}

    /** What one invocation of the current batch came to. */
    sealed interface Outcome {
        record Delivered() implements Outcome {}

        record FunctionError() implements Outcome {}

        /** The records from {@code index} on failed (0: the whole batch, e.g. an invalid batch response). */
        record FailedFrom(int index) implements Outcome {}
    }

    private final String shardId;
    private final String parentShardId;
    private final FunctionDefinition.DynamoDbEventSource source;
    private final Deque<Record> unread = new ArrayDeque<>();
    private final Deque<Batch> batches = new ArrayDeque<>();
    private String iterator;
    private ShardIteratorType startedAt;
    private String lastReadSequenceNumber;
    private String checkpoint;
    private long firstUnreadAtNanos;
    private long retryNotBeforeNanos;
    private int failuresInARow;
    private long tipGeneration;
    private String tipSequenceNumber;
    private long caughtUpGeneration;

    StreamShard(String shardId, String parentShardId, FunctionDefinition.DynamoDbEventSource source) {
        this.shardId = shardId;
        this.parentShardId = parentShardId;
        this.source = source;
    }

    String shardId() {
        return shardId;
    }

    String parentShardId() {
        return parentShardId;
    }

    boolean started() {
        return startedAt != null;
    }

    /**
     * Starts reading at {@code iterator}, of the {@code position} it was asked for (null: the shard is
     * closed and has nothing more).
     */
    void start(String iterator, ShardIteratorType position) {
        this.iterator = iterator;
        startedAt = position;
    }

    /** Reads nothing of this shard, e.g. a closed one when the mapping starts at LATEST. */
    void skip() {
        start(null, ShardIteratorType.LATEST);
    }

    /** Where it started reading; where to start again when a new iterator is needed before anything was read. */
    ShardIteratorType startedAt() {
        return startedAt;
    }

    /** Where to read again when a new iterator is needed: after the last record read, if any (else null). */
    String lastReadSequenceNumber() {
        return lastReadSequenceNumber;
    }

    /** Takes a new iterator (the last one expired, or the endpoint refused it), keeping everything read so far. */
    void resumeAt(String iterator) {
        this.iterator = iterator;
    }

    String iterator() {
        return iterator;
    }

    /** Closed and read to its end, every record delivered or discarded: its children may start. */
    boolean finished() {
        return started() && iterator == null && unread.isEmpty() && batches.isEmpty();
    }

    /** Whether to read now: not while a batch is being retried, nor with a full batch waiting. */
    boolean wantsRecords() {
        return started() && iterator != null && batches.isEmpty() && unread.size() < source.batchSize();
    }

    int readLimit() {
        return Math.max(1, Math.min(MAX_RECORDS_PER_READ, source.batchSize() - unread.size()));
    }

    /**
     * Takes what a GetRecords that started at catch-up {@code generation} returned.
     *
     * @param nextIterator null once a closed shard is read to its end
     */
    void read(List<Record> records, String nextIterator, long generation, long nowNanos) {
        if (unread.isEmpty() && !records.isEmpty()) {
            firstUnreadAtNanos = nowNanos;
        }
        unread.addAll(records);
        if (!records.isEmpty()) {
            lastReadSequenceNumber = records.getLast().dynamodb().sequenceNumber();
        }
        iterator = nextIterator;
        if (records.isEmpty()) {
            tipGeneration = generation;
            tipSequenceNumber = lastReadSequenceNumber;
            noteProgress();
        }
    }

    /** The batch to invoke now, if any: the one being retried (once its delay passed), else a new one. */
    Optional<Batch> nextBatch(long nowNanos) {
        if (!batches.isEmpty()) {
            return nowNanos - retryNotBeforeNanos >= 0 ? Optional.of(batches.peekFirst()) : Optional.empty();
        }
        boolean full = unread.size() >= source.batchSize();
        boolean windowPassed = nowNanos - firstUnreadAtNanos >= Duration.ofSeconds(source.maximumBatchingWindowSeconds()).toNanos();
        if (unread.isEmpty() || !(full || windowPassed || iterator == null)) {
            return Optional.empty();
        }
        List<Record> records = new ArrayList<>();
        while (!unread.isEmpty() && records.size() < source.batchSize()) {
            records.add(unread.pollFirst());
        }
        firstUnreadAtNanos = nowNanos;
        batches.addFirst(new Batch(List.copyOf(records), 0, 0));
        return Optional.of(batches.peekFirst());
    }

    /** The batch being delivered, if any. */
    Optional<Batch> currentBatch() {
        return Optional.ofNullable(batches.peekFirst());
    }

    /**
     * Drops the current batch's records that are older than MaximumRecordAgeInSeconds (the oldest come
     * first), as Lambda does before it invokes; what remains is the current batch, if anything does.
     */
    Optional<Discarded> discardExpired(Instant now) {
        Batch batch = batches.peekFirst();
        if (batch == null || source.maximumRecordAgeSeconds() < 0) {
            return Optional.empty();
        }
        Instant oldestAllowed = now.minusSeconds(source.maximumRecordAgeSeconds());
        int expired = 0;
        while (expired < batch.records().size() && createdBefore(batch.records().get(expired), oldestAllowed)) {
            expired++;
        }
        if (expired == 0) {
            return Optional.empty();
        }
        batches.pollFirst();
        Batch gone = new Batch(batch.records().subList(0, expired), batch.retries(), batch.invocations());
        if (expired < batch.records().size()) {
            batches.addFirst(new Batch(batch.records().subList(expired, batch.records().size()), batch.retries(), batch.invocations()));
        }
        checkpointAt(gone.lastSequenceNumber());
        return Optional.of(new Discarded(gone, RECORD_AGE_EXCEEDED, false));
    }

    /** Applies what the current batch's invocation came to; returns the records given up on, if any. */
    Optional<Discarded> invoked(Outcome outcome, long nowNanos) {
        Batch tried = batches.pollFirst();
        Batch batch = new Batch(tried.records(), tried.retries(), tried.invocations() + 1);
        return switch (outcome) {
            case Outcome.Delivered delivered -> {
                failuresInARow = 0;
                checkpointAt(batch.lastSequenceNumber());
                yield Optional.empty();
            }
            case Outcome.FunctionError error when source.bisectBatchOnFunctionError() && batch.records().size() > 1 -> {
                int half = batch.records().size() / 2;
                batches.addFirst(new Batch(batch.records().subList(half, batch.records().size()), batch.retries(), batch.invocations()));
                batches.addFirst(new Batch(batch.records().subList(0, half), batch.retries(), batch.invocations()));
                yield Optional.empty();
            }
            case Outcome.FunctionError error -> retry(batch, 0, true, nowNanos);
            case Outcome.FailedFrom failed -> retry(batch, failed.index(), false, nowNanos);
        };
    }

    /**
     * Every record read before the first empty read after catch-up {@code generation} was asked for is
     * delivered or discarded, for the highest such generation; Long.MAX_VALUE once the shard is finished.
     */
    long caughtUpGeneration() {
        return finished() ? Long.MAX_VALUE : caughtUpGeneration;
    }

    private Optional<Discarded> retry(Batch batch, int failedFrom, boolean functionError, long nowNanos) {
        if (failedFrom > 0) {
            checkpointAt(batch.records().get(failedFrom - 1).dynamodb().sequenceNumber());
        }
        Batch rest = new Batch(batch.records().subList(failedFrom, batch.records().size()), batch.retries() + 1,
                batch.invocations());
        if (source.maximumRetryAttempts() >= 0 && rest.retries() > source.maximumRetryAttempts()) {
            failuresInARow = 0;
            checkpointAt(rest.lastSequenceNumber());
            return Optional.of(new Discarded(rest, RETRY_ATTEMPTS_EXHAUSTED, functionError));
        }
        batches.addFirst(rest);
        failuresInARow++;
        retryNotBeforeNanos = nowNanos + Math.min(LONGEST_RETRY_DELAY_NANOS,
                FIRST_RETRY_DELAY_NANOS << Math.min(failuresInARow - 1, 20));
        return Optional.empty();
    }

    private static boolean createdBefore(Record record, Instant instant) {
        Instant created = record.dynamodb().approximateCreationDateTime();
        return created != null && created.isBefore(instant);
    }

    private void checkpointAt(String sequenceNumber) {
        checkpoint = sequenceNumber;
        noteProgress();
    }

    private void noteProgress() {
        if (tipSequenceNumber == null || (checkpoint != null && compare(checkpoint, tipSequenceNumber) >= 0)) {
            caughtUpGeneration = Math.max(caughtUpGeneration, tipGeneration);
        }
    }

    /** Sequence numbers are decimal strings of any length (DynamoDB Local pads them with zeros). */
    static int compare(String first, String second) {
        return new BigInteger(first).compareTo(new BigInteger(second));
    }
}
