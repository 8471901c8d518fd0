package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.handlers.StreamJsonRecordingHandler;
import dev.onsale.localstack.handlers.StreamRecordingHandler;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The test stack's DynamoDB stream event sources: ChangesFunction (ReportBatchItemFailures, two retries, an
 * on-failure queue) and ChangesJsonFunction (a stream handler) read ChangesTable's stream, BisectFunction
 * (bisecting on function errors, one retry, an on-failure queue) BisectTable's. Each test writes its own
 * partition keys, and items ask StreamRecordingHandler to fail through their {@code fail} attribute.
 */
class DynamoDbStreamEventSourceIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);
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

    private static AttributeValue text(String value) {
        return AttributeValue.fromS(value);
    }

    /** An item of ChangesTable under this test's partition key, labelled, and failing as {@code fail} says ("" for never). */
    private void putChange(int sortKey, String label, String fail) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", text(tag), "sk", AttributeValue.fromN(String.valueOf(sortKey)),
                "label", text(label)));
        if (!fail.isEmpty()) {
            item.put("fail", text(fail));
        }
        stack.dynamoDb().putItem(put -> put.tableName(stack.physicalId("ChangesTable")).item(item));
    }

    private void putLabelled(String table, String label, String fail) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", text(tag + "-" + label), "label", text(label)));
        if (!fail.isEmpty()) {
            item.put("fail", text(fail));
        }
        stack.dynamoDb().putItem(put -> put.tableName(table).item(item));
    }

    private boolean mine(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb().getKeys().get("pk").getS().startsWith(tag);
    }

    /** This test's records, as a function received them, in the order received. */
    private List<DynamodbEvent.DynamodbStreamRecord> delivered(String functionName) {
        return StreamRecordingHandler.RECEIVED.stream()
                .filter(batch -> batch.functionName().equals(functionName))
                .flatMap(batch -> batch.event().getRecords().stream())
                .filter(this::mine)
                .toList();
    }

    /** The labels of this test's records in each batch a function received that held any. */
    private List<List<String>> batches(String functionName) {
        return StreamRecordingHandler.RECEIVED.stream()
                .filter(batch -> batch.functionName().equals(functionName))
                .map(batch -> batch.event().getRecords().stream().filter(this::mine).map(DynamoDbStreamEventSourceIT::label).toList())
                .filter(labels -> !labels.isEmpty())
                .toList();
    }

    private List<String> labels(String functionName) {
        return delivered(functionName).stream().map(DynamoDbStreamEventSourceIT::label).toList();
    }

    private static String label(DynamodbEvent.DynamodbStreamRecord record) {
        var image = record.getDynamodb().getNewImage() != null ? record.getDynamodb().getNewImage() : record.getDynamodb().getOldImage();
        return image.get("label").getS();
    }

    private static String sequenceNumber(List<DynamodbEvent.DynamodbStreamRecord> records, String label) {
        return records.stream().filter(record -> label(record).equals(label)).findFirst().orElseThrow()
                .getDynamodb().getSequenceNumber();
    }

    /** The invocation record on a queue that describes the discarded batch starting at {@code startSequenceNumber}. */
    private static JsonNode invocationRecord(String queue, String startSequenceNumber) throws Exception {
        String url = stack.physicalId(queue);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message message : stack.sqs().receiveMessage(receive -> receive.queueUrl(url).waitTimeSeconds(1)
                    .maxNumberOfMessages(10)).messages()) {
                JsonNode record = LambdaJson.mapper().readTree(message.body());
                if (record.at("/DDBStreamBatchInfo/startSequenceNumber").asText().equals(startSequenceNumber)) {
                    stack.sqs().deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
                    return record;
                }
            }
        }
        return fail("no invocation record for " + startSequenceNumber + " on " + queue);
    }

    @Test
    void insertsModificationsAndRemovalsArriveInOrderWithTheirKeysAndImages() {
        String table = stack.physicalId("ChangesTable");
        Map<String, AttributeValue> key = Map.of("pk", text(tag), "sk", AttributeValue.fromN("1"));
        putChange(1, "first", "");
        stack.dynamoDb().updateItem(update -> update.tableName(table).key(key)
                .updateExpression("SET label = :label").expressionAttributeValues(Map.of(":label", text("second"))));
        stack.dynamoDb().deleteItem(delete -> delete.tableName(table).key(key));

        stack.awaitStreamsCaughtUp(CATCH_UP);

        List<DynamodbEvent.DynamodbStreamRecord> records = delivered(stack.physicalId("ChangesFunction"));
        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"), records.stream().map(DynamodbEvent.DynamodbStreamRecord::getEventName).toList());
        assertEquals("first", records.get(0).getDynamodb().getNewImage().get("label").getS());
        assertNull(records.get(0).getDynamodb().getOldImage());
        assertEquals("first", records.get(1).getDynamodb().getOldImage().get("label").getS());
        assertEquals("second", records.get(1).getDynamodb().getNewImage().get("label").getS());
        assertEquals("second", records.get(2).getDynamodb().getOldImage().get("label").getS());
        assertNull(records.get(2).getDynamodb().getNewImage());
        BigInteger previous = BigInteger.ZERO;
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            assertEquals(tag, record.getDynamodb().getKeys().get("pk").getS());
            assertEquals("1", record.getDynamodb().getKeys().get("sk").getN());
            assertEquals("aws:dynamodb", record.getEventSource());
            assertEquals(stack.attribute("ChangesTable", "StreamArn"), record.getEventSourceARN());
            assertEquals("us-east-1", record.getAwsRegion());
            assertEquals("1.1", record.getEventVersion());
            assertFalse(record.getEventID().isBlank());
            assertEquals("NEW_AND_OLD_IMAGES", record.getDynamodb().getStreamViewType());
            assertTrue(record.getDynamodb().getSizeBytes() > 0);
            assertTrue(record.getDynamodb().getApproximateCreationDateTime().toInstant().isAfter(Instant.now().minusSeconds(600)));
            BigInteger sequenceNumber = new BigInteger(record.getDynamodb().getSequenceNumber());
            assertTrue(sequenceNumber.compareTo(previous) > 0, "sequence numbers increase");
            previous = sequenceNumber;
        }
    }

    @Test
    void aStreamHandlerGetsTheJsonLambdaSendsAndItReadsAsTheTypedHandlersEvent() throws Exception {
        putChange(1, "as-json", "");

        stack.awaitStreamsCaughtUp(CATCH_UP);

        String json = StreamJsonRecordingHandler.RECEIVED.stream().filter(event -> event.contains(tag)).findFirst().orElseThrow();
        JsonNode record = LambdaJson.mapper().readTree(json).path("Records").valueStream()
                .filter(candidate -> candidate.at("/dynamodb/Keys/pk/S").asText().equals(tag)).findFirst().orElseThrow();
        assertEquals("INSERT", record.path("eventName").asText());
        assertEquals("aws:dynamodb", record.path("eventSource").asText());
        assertEquals(stack.attribute("ChangesTable", "StreamArn"), record.path("eventSourceARN").asText());
        assertEquals("1", record.at("/dynamodb/Keys/sk/N").asText());
        assertEquals("as-json", record.at("/dynamodb/NewImage/label/S").asText());
        assertTrue(record.at("/dynamodb/ApproximateCreationDateTime").isNumber(), record.toString());
        assertTrue(record.at("/dynamodb/SequenceNumber").isTextual(), record.toString());

        DynamodbEvent asTheRuntimeReadsIt = LambdaEventSerializers
                .serializerFor(DynamodbEvent.class, getClass().getClassLoader()).fromJson(json);
        assertEquals(delivered(stack.physicalId("ChangesFunction")),
                asTheRuntimeReadsIt.getRecords().stream().filter(this::mine).toList(), "the typed handler's event");
    }

    @Test
    void aReportedFailureIsRetriedFromItsRecordAfterTheRestBeforeItIsApplied() {
        stack.pausePollers();
        putChange(1, "a", "");
        putChange(2, "b", "once");
        putChange(3, "c", "");
        stack.resumePollers();

        stack.awaitStreamsCaughtUp(CATCH_UP);

        assertEquals(List.of(List.of("a", "b", "c"), List.of("b", "c")), batches(stack.physicalId("ChangesFunction")),
                "checkpointed before b, retried from it");
    }

    @Test
    void recordsThatKeepFailingAreDescribedToTheOnFailureQueueAndLaterRecordsFollow() throws Exception {
        stack.pausePollers();
        putChange(1, "a", "");
        putChange(2, "b", "always");
        putChange(3, "c", "");
        stack.resumePollers();
        stack.awaitStreamsCaughtUp(CATCH_UP);
        putChange(4, "d", "");

        stack.awaitStreamsCaughtUp(CATCH_UP);

        String function = stack.physicalId("ChangesFunction");
        assertEquals(List.of(List.of("a", "b", "c"), List.of("b", "c"), List.of("b", "c"), List.of("d")), batches(function),
                "the first try and two retries of b and what follows it, then on");
        List<DynamodbEvent.DynamodbStreamRecord> records = delivered(function);
        JsonNode record = invocationRecord("ChangesFailedQueue", sequenceNumber(records, "b"));
        assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText());
        assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals(stack.attribute("ChangesFunction", "Arn"), record.at("/requestContext/functionArn").asText());
        assertFalse(record.at("/requestContext/requestId").asText().isBlank());
        assertEquals(200, record.at("/responseContext/statusCode").asInt());
        assertEquals("$LATEST", record.at("/responseContext/executedVersion").asText());
        assertTrue(record.at("/responseContext/functionError").isMissingNode(), "the function answered: " + record);
        assertEquals("1.0", record.path("version").asText());
        Instant.parse(record.path("timestamp").asText());
        JsonNode batch = record.path("DDBStreamBatchInfo");
        assertFalse(batch.path("shardId").asText().isBlank());
        assertEquals(sequenceNumber(records, "c"), batch.path("endSequenceNumber").asText());
        assertEquals(2, batch.path("batchSize").asInt());
        assertEquals(stack.attribute("ChangesTable", "StreamArn"), batch.path("streamArn").asText());
        Instant.parse(batch.path("approximateArrivalOfFirstRecord").asText());
        Instant.parse(batch.path("approximateArrivalOfLastRecord").asText());
    }

    @Test
    void bisectingOnFunctionErrorsIsolatesThePoisonRecord() throws Exception {
        String table = stack.physicalId("BisectTable");
        stack.pausePollers();
        putLabelled(table, "1", "");
        putLabelled(table, "2", "");
        putLabelled(table, "3", "throw");
        putLabelled(table, "4", "");
        stack.resumePollers();

        stack.awaitStreamsCaughtUp(CATCH_UP);

        String function = stack.physicalId("BisectFunction");
        assertEquals(List.of(List.of("1", "2", "3", "4"), List.of("1", "2"), List.of("3", "4"), List.of("3"), List.of("3"),
                List.of("4")), batches(function), "halved until 3 is alone, which then has its one retry");
        String poison = sequenceNumber(delivered(function), "3");
        JsonNode record = invocationRecord("BisectFailedQueue", poison);
        assertEquals(poison, record.at("/DDBStreamBatchInfo/endSequenceNumber").asText());
        assertEquals(1, record.at("/DDBStreamBatchInfo/batchSize").asInt());
        assertEquals("Unhandled", record.at("/responseContext/functionError").asText());
        assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText());
    }

    @Test
    void trimHorizonReadsFromTheOldestRecordAndLatestFromTheStart() {
        // the test stack's DynamoDB stands in for an endpoint whose table outlives a stack (this template has no queues)
        String stackName = "positions-" + tag;
        String table = stackName + "-positions";
        stack.dynamoDb().createTable(create -> create.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .streamSpecification(stream -> stream.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        putLabelled(table, "before", "");

        try (LocalStack second = LocalStack.start(LocalStackOptions.builder()
                .template(Path.of("src/test/resources/starting-positions-template.yaml"))
                .port(0)
                .stackName(stackName)
                .externalAwsEndpoint(stack.dynamoDbEndpoint())
                .build())) {
            putLabelled(table, "after", "");

            second.awaitStreamsCaughtUp(CATCH_UP);

            assertEquals(List.of("before", "after"), labels(second.physicalId("FromTrimHorizonFunction")));
            assertEquals(List.of("after"), labels(second.physicalId("FromLatestFunction")));
        }
    }

    @Test
    void pausedPollersLeaveRecordsOnTheStreamUntilResumed() throws Exception {
        stack.pausePollers();
        putChange(1, "while-paused", "");

        assertThrows(IllegalStateException.class, () -> stack.awaitStreamsCaughtUp(Duration.ofSeconds(1)),
                "a paused poller cannot catch up");
        Thread.sleep(1_000); // several idle polls' worth
        assertEquals(List.of(), batches(stack.physicalId("ChangesFunction")));

        stack.resumePollers();
        stack.awaitStreamsCaughtUp(CATCH_UP);
        assertEquals(List.of(List.of("while-paused")), batches(stack.physicalId("ChangesFunction")));
    }
}
