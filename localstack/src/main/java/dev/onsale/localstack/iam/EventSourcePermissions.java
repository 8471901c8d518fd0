package dev.onsale.localstack.iam;

import java.util.List;
import java.util.Optional;

/**
 * What Lambda checks of a function's role when an event source mapping is created (a deploy fails there
 * when the role lacks it): the mapping polls with the function's role, not the stack's.
 */
public final class EventSourcePermissions {

    private static final List<String> SQS_POLLING = List.of("ReceiveMessage", "DeleteMessage", "GetQueueAttributes");
    private static final List<String> STREAM_READING = List.of("GetRecords", "GetShardIterator", "DescribeStream");

    private EventSourcePermissions() {}

    /** @return Lambda's refusal of an SQS event source on {@code queueArn}, or empty when the role may poll it */
    public static Optional<String> sqsQueue(FunctionRole role, String queueArn) {
        return SQS_POLLING.stream()
                .filter(operation -> role.policy().evaluate("sqs:" + operation, queueArn) != Decision.ALLOWED)
                .findFirst()
                .map(operation -> "The provided execution role does not have permissions to call " + operation + " on SQS");
    }

    /** @return Lambda's refusal of a DynamoDB stream event source, or empty when the role may read the stream */
    public static Optional<String> dynamoDbStream(FunctionRole role, String streamArn, ResourceArns arns) {
        String stream = arns.canonical(streamArn);
        boolean readable = STREAM_READING.stream().allMatch(operation -> role.policy().evaluate("dynamodb:" + operation, stream) == Decision.ALLOWED)
                && role.policy().evaluate("dynamodb:ListStreams", "*") == Decision.ALLOWED;
        return readable ? Optional.empty() : Optional.of("Cannot access stream " + streamArn + ". Please ensure the role can perform "
                + "the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.");
    }

    /** @return Lambda's refusal of an SQS on-failure destination, or empty when the role may send to it */
    public static Optional<String> onFailureQueue(FunctionRole role, String queueArn) {
        return role.policy().evaluate("sqs:SendMessage", queueArn) == Decision.ALLOWED ? Optional.empty()
                : Optional.of("The provided execution role does not have permissions to call SendMessage on SQS");
    }
}
