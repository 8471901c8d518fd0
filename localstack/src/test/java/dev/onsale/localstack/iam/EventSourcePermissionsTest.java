package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventSourcePermissionsTest {

    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:Work";
    private static final String STREAM = "arn:aws:dynamodb:ddblocal:000000000000:table/Seats/stream/2026-01-01T00:00:00.000";
    private static final ResourceArns ARNS = new ResourceArns("us-east-1", "000000000000");

    private static FunctionRole role(PolicyStatement... statements) {
        return new FunctionRole("Fn", "stack-Fn", "stack-FnRole-local", new IdentityPolicy(List.of(statements)), TemporaryCredentials.issue());
    }

    @Test
    void anSqsSourceNeedsReceiveDeleteAndAttributes() {
        FunctionRole receiveOnly = role(PolicyStatement.allow(List.of("sqs:ReceiveMessage"), List.of(QUEUE)));
        FunctionRole poller = role(PolicyStatement.allow(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"), List.of(QUEUE)));

        assertEquals(Optional.of("The provided execution role does not have permissions to call DeleteMessage on SQS"),
                EventSourcePermissions.sqsQueue(receiveOnly, QUEUE));
        assertTrue(EventSourcePermissions.sqsQueue(poller, QUEUE).isEmpty());
    }

    @Test
    void aStreamSourceNeedsTheFourStreamReads() {
        FunctionRole reader = role(PolicyStatement.allow(List.of("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"),
                List.of("arn:aws:dynamodb:us-east-1:000000000000:table/Seats/stream/*")),
                PolicyStatement.allow(List.of("dynamodb:ListStreams"), List.of("*")));
        FunctionRole noList = role(PolicyStatement.allow(List.of("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"),
                List.of("*")));

        assertTrue(EventSourcePermissions.dynamoDbStream(reader, STREAM, ARNS).isEmpty());
        assertTrue(EventSourcePermissions.dynamoDbStream(noList, STREAM, ARNS).orElseThrow().startsWith("Cannot access stream " + STREAM));
    }

    @Test
    void anOnFailureQueueNeedsSendMessage() {
        assertTrue(EventSourcePermissions.onFailureQueue(role(), QUEUE).isPresent());
        assertTrue(EventSourcePermissions.onFailureQueue(role(PolicyStatement.allow(List.of("sqs:SendMessage"), List.of(QUEUE))), QUEUE).isEmpty());
    }
}
