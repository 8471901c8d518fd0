package dev.onsale.localstack.iam;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SAM's policy templates for the services the stack emulates ({@code - DynamoDBCrudPolicy: {TableName: ...}}),
 * expanded as SAM's {@code policy_templates.json} defines them.
 */
final class PolicyTemplates {

    private PolicyTemplates() {}

    /**
     * @return the template's statements, or empty when it is not one of those known here
     * @throws IllegalArgumentException when a parameter the template needs is missing
     */
    static Optional<List<PolicyStatement>> expand(String name, Map<?, ?> parameters, ResourceArns arns) {
        String table = "arn:aws:dynamodb:" + arns.region() + ":" + arns.accountId() + ":table/";
        String queue = "arn:aws:sqs:" + arns.region() + ":" + arns.accountId() + ":";
        return Optional.ofNullable(switch (name) {
            case "DynamoDBCrudPolicy" -> List.of(PolicyStatement.allow(List.of("dynamodb:GetItem", "dynamodb:DeleteItem",
                            "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem",
                            "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
                            "dynamodb:ConditionCheckItem"),
                    List.of(table + parameter(name, parameters, "TableName"), table + parameter(name, parameters, "TableName") + "/index/*")));
            case "DynamoDBReadPolicy" -> List.of(PolicyStatement.allow(List.of("dynamodb:GetItem", "dynamodb:Scan",
                            "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"),
                    List.of(table + parameter(name, parameters, "TableName"), table + parameter(name, parameters, "TableName") + "/index/*")));
            case "DynamoDBStreamReadPolicy" -> List.of(
                    PolicyStatement.allow(List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                            List.of(table + parameter(name, parameters, "TableName") + "/stream/" + parameter(name, parameters, "StreamName"))),
                    PolicyStatement.allow(List.of("dynamodb:ListStreams"),
                            List.of(table + parameter(name, parameters, "TableName") + "/stream/*")));
            case "SQSSendMessagePolicy" -> List.of(PolicyStatement.allow(List.of("sqs:SendMessage*"),
                    List.of(queue + parameter(name, parameters, "QueueName"))));
            case "SQSPollerPolicy" -> List.of(PolicyStatement.allow(List.of("sqs:ChangeMessageVisibility",
                            "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch",
                            "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
                    List.of(queue + parameter(name, parameters, "QueueName"))));
            default -> null;
        });
    }

    private static String parameter(String template, Map<?, ?> parameters, String name) {
        Object value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("policy template " + template + " needs " + name);
        }
        return String.valueOf(value);
    }
}
