package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaJsonTest {

    @Test
    void sqsEventsUseAwsFieldNames() {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-1");
        message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:q");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));

        JsonNode json = LambdaJson.mapper().valueToTree(event);

        assertEquals("m-1", json.path("Records").path(0).path("messageId").asText());
        assertEquals("arn:aws:sqs:us-east-1:000000000000:q", json.path("Records").path(0).path("eventSourceARN").asText());
        assertTrue(json.path("Records").path(0).path("body").isMissingNode(), "absent values are left out");
    }

    @Test
    void sqsEventsReadBackFromAwsJson() throws Exception {
        SQSEvent event = LambdaJson.mapper().readValue("""
                {"Records": [{"messageId": "m-1", "body": "hi", "eventSourceARN": "arn:q", "attributes": {"ApproximateReceiveCount": "1"}}]}
                """, SQSEvent.class);
        assertEquals("hi", event.getRecords().getFirst().getBody());
        assertEquals("arn:q", event.getRecords().getFirst().getEventSourceArn());
    }

    /** AWS's documented stream event shape, with every attribute value type and a TTL deletion's userIdentity. */
    private static final String DYNAMODB_SAMPLE = "/dynamodb-stream-sample-event.json";

    private static String dynamodbSample() {
        try (InputStream sample = LambdaJsonTest.class.getResourceAsStream(DYNAMODB_SAMPLE)) {
            return new String(sample.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the Lambda Java runtime turns the JSON Lambda sends into a DynamodbEvent. */
    private static DynamodbEvent readByTheLambdaRuntime(String json) {
        return LambdaEventSerializers.serializerFor(DynamodbEvent.class, LambdaJsonTest.class.getClassLoader()).fromJson(json);
    }

    @Test
    void dynamodbStreamEventsReadAsTheLambdaRuntimeReadsThem() throws Exception {
        DynamodbEvent read = LambdaJson.mapper().readValue(dynamodbSample(), DynamodbEvent.class);

        assertEquals(readByTheLambdaRuntime(dynamodbSample()), read);
        StreamRecord inserted = read.getRecords().getFirst().getDynamodb();
        assertEquals(List.of("red", "blue"), inserted.getNewImage().get("tags").getSS());
        assertEquals(true, inserted.getNewImage().get("nested").getM().get("list").getL().get(1).getNULL());
        assertEquals(new Date(1_718_900_000_000L), inserted.getApproximateCreationDateTime());
        assertEquals("4421584500000000017450439091", inserted.getSequenceNumber());
        assertEquals("REMOVE", read.getRecords().get(1).getEventName());
        assertEquals(new Date(1_718_900_001_500L), read.getRecords().get(1).getDynamodb().getApproximateCreationDateTime());
    }

    @Test
    void dynamodbStreamEventsWriteAsLambdaSendsThem() throws Exception {
        DynamodbEvent event = readByTheLambdaRuntime(dynamodbSample());

        String written = LambdaJson.mapper().writeValueAsString(event);

        assertEquals(LambdaJson.mapper().readTree(dynamodbSample()), LambdaJson.mapper().readTree(written), written);
    }
}
