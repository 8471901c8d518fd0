package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
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
}
