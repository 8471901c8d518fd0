package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's DynamoDB Streams event source mapping, locally: reads every shard of one stream in order and
 * invokes one function with batches of its records as a {@code DynamodbEvent}. What follows an
 * invocation (checkpoints, retries, bisecting, discarding) is {@link StreamShard}'s.
 *
 * <ul>
 *   <li>Shards are listed (DescribeStream) every second; a shard is read once its parent is finished,
 *       so a parent's records come before its children's. All shards are read by this one thread,
 *       one batch at a time: ParallelizationFactor is accepted, not applied.</li>
 *   <li>An idle poller reads every shard again after 200 ms, so a change reaches the function well
 *       within a second.</li>
 *   <li>StartingPosition TRIM_HORIZON reads every shard from its oldest record; LATEST reads the open
 *       shards from when the poller starts (records written while it is paused are delivered), and
 *       shards opened later from their start.</li>
 *   <li>Discarded records are described to the OnFailure destination (an SQS queue) in Lambda's invocation
 *       record ({@code requestContext}, {@code responseContext}, {@code DDBStreamBatchInfo}, ...), the
 *       stream position of the records, not the records themselves; without one they are dropped.</li>
 * </ul>
 */
final class DynamoDbStreamPoller extends EventSourcePoller {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbStreamPoller.class);
    private static final long IDLE_WAIT_MILLIS = 200;
    private static final long SHARD_LISTING_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final FunctionDefinition.DynamoDbEventSource source;
    private final LocalFunction function;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String onFailureQueueUrl;
    private final String region;
    private final Clock clock;
    private final Map<String, StreamShard> shards = new LinkedHashMap<>();
    private long listedAtNanos;
    private long listedForGeneration;
    private final AtomicLong catchUpRequests = new AtomicLong();
    private final Object progress = new Object();
    private long caughtUpGeneration; // guarded by progress

    /** @param onFailureQueueUrl the OnFailure destination's queue; null to drop discarded records */
    DynamoDbStreamPoller(FunctionDefinition.DynamoDbEventSource source, LocalFunction function, DynamoDbStreamsClient streams,
                         SqsClient sqs, String onFailureQueueUrl, String region, Clock clock) {
        super("dynamodb-" + function.definition().logicalId() + "-" + source.eventName());
        this.source = source;
        this.function = function;
        this.streams = streams;
        this.sqs = sqs;
        this.onFailureQueueUrl = onFailureQueueUrl;
        this.region = region;
        this.clock = clock;
    }

    @Override
    String description() {
        return function.definition().logicalId() + "." + source.eventName() + " <- " + source.streamArn();
    }

    @Override
    String sourceType() {
        return "DynamoDB";
    }

    @Override
    long idleWaitMillis() {
        return IDLE_WAIT_MILLIS;
    }

    @Override
    long stopTimeoutMillis() {
        return 3_000;
    }

    /** Lists the shards at once, so LATEST means from the stack's start even when it starts paused. */
    @Override
    void prepare() {
        try {
            listShards(true, 0);
        } catch (ResourceNotFoundException e) {
            throw new IllegalArgumentException(description() + ": no such stream (does the table have a StreamSpecification?)", e);
        }
        if (source.parallelizationFactor() > 1) {
            log.info("{}: ParallelizationFactor {} is accepted; locally each shard is read by one sequence of batches",
                    description(), source.parallelizationFactor());
        }
    }

    @Override
    boolean pollOnce() {
        long generation = catchUpRequests.get();
        long now = System.nanoTime();
        if (now - listedAtNanos >= SHARD_LISTING_INTERVAL_NANOS || listedForGeneration < generation) {
            listShards(false, generation);
        }
        boolean busy = false;
        for (StreamShard shard : List.copyOf(shards.values())) {
            if (!shard.finished() && parentFinished(shard)) {
                busy |= step(shard, generation);
            }
        }
        publishProgress();
        return busy;
    }

    /** Asks for a catch-up; returns the generation to {@link #awaitCaughtUp} for. */
    long requestCatchUp() {
        return catchUpRequests.incrementAndGet();
    }

    /**
     * Waits until every record the stream held when catch-up {@code generation} was requested is delivered
     * or discarded.
     *
     * @throws IllegalStateException at {@code deadlineNanos}, or at once when the poller is paused or stopped
     */
    void awaitCaughtUp(long generation, long deadlineNanos) {
        synchronized (progress) {
            while (caughtUpGeneration < generation) {
                if (isPaused() || !isRunning()) {
                    throw new IllegalStateException(description() + " is " + (isPaused() ? "paused" : "stopped")
                            + ": it cannot catch up");
                }
                long remainingMillis = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
                if (remainingMillis <= 0) {
                    throw new IllegalStateException(description() + " has not caught up with its stream in time");
                }
                try {
                    progress.wait(Math.min(remainingMillis, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + description(), e);
                }
            }
        }
    }

    /** Starts a shard, delivers its next batch, or reads it; returns whether it did something. */
    private boolean step(StreamShard shard, long generation) {
        if (!shard.started()) {
            shard.start(iterator(shard, ShardIteratorType.TRIM_HORIZON, null), ShardIteratorType.TRIM_HORIZON);
        }
        if (shard.nextBatch(System.nanoTime()).isPresent()) {
            deliver(shard);
            return true;
        }
        if (!shard.wantsRecords()) {
            return false;
        }
        GetRecordsResponse read;
        try {
            read = streams.getRecords(get -> get.shardIterator(shard.iterator()).limit(shard.readLimit()));
        } catch (ExpiredIteratorException expired) {
            shard.resumeAt(iteratorAfterLastRead(shard));
            return true;
        } catch (TrimmedDataAccessException trimmed) {
            if (shard.lastReadSequenceNumber() != null) {
                log.warn("{}: records of shard {} were trimmed before they were read; reading from the oldest left",
                        description(), shard.shardId());
                shard.resumeAt(iterator(shard, ShardIteratorType.TRIM_HORIZON, null));
            } else {
                // DynamoDB Local: an iterator taken while its shard was empty fails once the shard's first record
                // comes (its sequence number is past the shard's start, as numbers are shared by all tables)
                shard.resumeAt(iteratorAfterLastRead(shard));
            }
            return true;
        }
        shard.read(read.records(), read.nextShardIterator(), generation, System.nanoTime());
        return !read.records().isEmpty() || read.nextShardIterator() == null;
    }

    /** Invokes the function with the shard's current batch (less its expired records). */
    private void deliver(StreamShard shard) {
        shard.discardExpired(clock.instant()).ifPresent(discarded -> discard(shard, discarded));
        Optional<StreamShard.Batch> current = shard.currentBatch();
        if (current.isEmpty()) {
            return;
        }
        StreamShard.Batch batch = current.get();
        DynamodbEvent event = DynamodbEvents.of(batch.records(), source.streamArn(), region);
        if (source.filter() != EventFilter.NONE) {
            event.setRecords(event.getRecords().stream()
                    .filter(record -> source.filter().matches(LambdaJson.mapper().valueToTree(record))).toList());
            if (event.getRecords().isEmpty()) {
                shard.invoked(new StreamShard.Outcome.Delivered(), System.nanoTime()); // nothing passed: checkpointed, never invoked
                return;
            }
        }
        StreamShard.Outcome outcome;
        try {
            Object result = function.invoke(event);
            outcome = source.reportBatchItemFailures() ? outcome(result, batch, shard) : new StreamShard.Outcome.Delivered();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            log.warn("{} failed on {} of shard {}{}", description(), span(batch), shard.shardId(),
                    source.bisectBatchOnFunctionError() && batch.records().size() > 1 ? "; splitting the batch in two" : "", e);
            outcome = new StreamShard.Outcome.FunctionError();
        }
        shard.invoked(outcome, System.nanoTime()).ifPresent(discarded -> discard(shard, discarded));
    }

    /** With ReportBatchItemFailures: the batch fails from the lowest sequence number reported. */
    private StreamShard.Outcome outcome(Object result, StreamShard.Batch batch, StreamShard shard) {
        List<String> sequenceNumbers = batch.records().stream().map(record -> record.dynamodb().sequenceNumber()).toList();
        return switch (BatchResponse.read(result, Set.copyOf(sequenceNumbers))) {
            case BatchResponse.Succeeded succeeded -> new StreamShard.Outcome.Delivered();
            case BatchResponse.ItemsFailed failed -> {
                Set<String> reported = new HashSet<>(failed.itemIdentifiers());
                int lowest = 0;
                while (!reported.contains(sequenceNumbers.get(lowest))) {
                    lowest++;
                }
                log.warn("{} reported the failure of record {} of {} of shard {}; retrying from it",
                        description(), sequenceNumbers.get(lowest), span(batch), shard.shardId());
                yield new StreamShard.Outcome.FailedFrom(lowest);
            }
            case BatchResponse.Invalid invalid -> {
                log.warn("{}: {}: {} of shard {} failed", description(), invalid.reason(), span(batch), shard.shardId());
                yield new StreamShard.Outcome.FailedFrom(0);
            }
        };
    }

    private void discard(StreamShard shard, StreamShard.Discarded discarded) {
        StreamShard.Batch batch = discarded.batch();
        String why = discarded.condition().equals(StreamShard.RECORD_AGE_EXCEEDED)
                ? "older than " + source.maximumRecordAgeSeconds() + " s"
                : "after " + source.maximumRetryAttempts() + " retries";
        if (onFailureQueueUrl == null) {
            log.warn("{}: dropping {} of shard {} {}", description(), span(batch), shard.shardId(), why);
            return;
        }
        String invocationRecord;
        try {
            invocationRecord = LambdaJson.mapper().writeValueAsString(invocationRecord(shard, discarded));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            sqs.sendMessage(send -> send.queueUrl(onFailureQueueUrl).messageBody(invocationRecord));
        } catch (SdkException e) {
            log.error("{}: gave up on {} of shard {} {}, and could not describe them to {}", description(), span(batch),
                    shard.shardId(), why, source.onFailureDestinationArn(), e);
            return;
        }
        log.warn("{}: gave up on {} of shard {} {}; described to {}", description(), span(batch), shard.shardId(), why,
                source.onFailureDestinationArn());
    }

    /** Lambda's record of a discarded stream batch: where its records are in the stream, and the last invocation. */
    private ObjectNode invocationRecord(StreamShard shard, StreamShard.Discarded discarded) {
        StreamShard.Batch batch = discarded.batch();
        ObjectNode record = LambdaJson.mapper().createObjectNode();
        record.putObject("requestContext")
                .put("requestId", RequestIds.lambdaRequestId())
                .put("functionArn", function.arn())
                .put("condition", discarded.condition())
                .put("approximateInvokeCount", batch.invocations());
        if (batch.invocations() > 0) {
            ObjectNode response = record.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST");
            if (discarded.functionError()) {
                response.put("functionError", "Unhandled");
            }
        }
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(clock.instant()));
        record.putObject("DDBStreamBatchInfo")
                .put("shardId", shard.shardId())
                .put("startSequenceNumber", batch.firstSequenceNumber())
                .put("endSequenceNumber", batch.lastSequenceNumber())
                .put("approximateArrivalOfFirstRecord", arrival(batch.records().getFirst()))
                .put("approximateArrivalOfLastRecord", arrival(batch.records().getLast()))
                .put("batchSize", batch.records().size())
                .put("streamArn", source.streamArn());
        return record;
    }

    private static String arrival(Record record) {
        Instant created = record.dynamodb().approximateCreationDateTime();
        return created == null ? null : ARRIVAL.format(created);
    }

    private static String span(StreamShard.Batch batch) {
        return batch.records().size() == 1
                ? "record " + batch.firstSequenceNumber()
                : batch.records().size() + " records (" + batch.firstSequenceNumber() + ".." + batch.lastSequenceNumber() + ")";
    }

    /** Learns of new shards (LATEST at the start: the open ones from now, the closed ones not at all) and forgets finished ones that are gone. */
    private void listShards(boolean atStart, long generation) {
        List<Shard> listed = new ArrayList<>();
        String after = null;
        do {
            String exclusiveStart = after;
            StreamDescription description = streams.describeStream(describe -> describe.streamArn(source.streamArn())
                    .exclusiveStartShardId(exclusiveStart)).streamDescription();
            listed.addAll(description.shards());
            after = description.lastEvaluatedShardId();
        } while (after != null);
        for (Shard shard : listed) {
            if (shards.containsKey(shard.shardId())) {
                continue;
            }
            StreamShard known = new StreamShard(shard.shardId(), shard.parentShardId(), source);
            if (atStart && source.startingPosition() == FunctionDefinition.StartingPosition.LATEST) {
                if (shard.sequenceNumberRange().endingSequenceNumber() != null) {
                    known.skip();
                } else {
                    startAtLatest(known);
                }
            }
            shards.put(shard.shardId(), known);
        }
        Set<String> current = listed.stream().map(Shard::shardId).collect(Collectors.toSet());
        shards.values().removeIf(shard -> shard.finished() && !current.contains(shard.shardId()));
        listedAtNanos = System.nanoTime();
        listedForGeneration = generation;
    }

    /**
     * LATEST: from what the open shard holds now. An empty shard is read from its start instead (all its
     * records will be new): DynamoDB Local's LATEST iterator of an empty shard fails once a record comes.
     */
    private void startAtLatest(StreamShard shard) {
        String oldest = iterator(shard, ShardIteratorType.TRIM_HORIZON, null);
        if (streams.getRecords(get -> get.shardIterator(oldest).limit(1)).records().isEmpty()) {
            shard.start(oldest, ShardIteratorType.TRIM_HORIZON);
        } else {
            shard.start(iterator(shard, ShardIteratorType.LATEST, null), ShardIteratorType.LATEST);
        }
    }

    private String iteratorAfterLastRead(StreamShard shard) {
        return shard.lastReadSequenceNumber() == null
                ? iterator(shard, shard.startedAt(), null)
                : iterator(shard, ShardIteratorType.AFTER_SEQUENCE_NUMBER, shard.lastReadSequenceNumber());
    }

    /** A parent no longer listed was trimmed: nothing of it is left to come first. */
    private boolean parentFinished(StreamShard shard) {
        StreamShard parent = shard.parentShardId() == null ? null : shards.get(shard.parentShardId());
        return parent == null || parent.finished();
    }

    private String iterator(StreamShard shard, ShardIteratorType type, String sequenceNumber) {
        return streams.getShardIterator(get -> get.streamArn(source.streamArn()).shardId(shard.shardId())
                .shardIteratorType(type).sequenceNumber(sequenceNumber)).shardIterator();
    }

    private void publishProgress() {
        long caughtUp = listedForGeneration;
        for (StreamShard shard : shards.values()) {
            caughtUp = Math.min(caughtUp, shard.caughtUpGeneration());
        }
        synchronized (progress) {
            if (caughtUp > caughtUpGeneration) {
                caughtUpGeneration = caughtUp;
                progress.notifyAll();
            }
        }
    }
}
