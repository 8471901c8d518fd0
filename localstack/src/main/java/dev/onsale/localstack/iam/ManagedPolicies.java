package dev.onsale.localstack.iam;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS managed policies a serverless function's role is commonly given, by name: the ones SAM attaches
 * itself (basic execution, VPC access, the event sources' execution roles) and the broad service-wide ones.
 * Their statements as AWS publishes them, restricted to the services the stack emulates where a policy
 * grants more (CloudWatch Logs and EC2 actions are kept: they are what the policy is for).
 */
final class ManagedPolicies {

    private static final List<String> LOGS = List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents");

    private static final Map<String, List<PolicyStatement>> BY_NAME = Map.of(
            "AWSLambdaBasicExecutionRole", List.of(anywhere(LOGS)),
            "AWSLambdaSQSQueueExecutionRole", List.of(anywhere(
                    List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")), anywhere(LOGS)),
            "AWSLambdaDynamoDBExecutionRole", List.of(anywhere(List.of("dynamodb:DescribeStream", "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator", "dynamodb:ListStreams")), anywhere(LOGS)),
            "AWSLambdaVPCAccessExecutionRole", List.of(anywhere(LOGS), anywhere(List.of("ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))),
            "AmazonDynamoDBFullAccess", List.of(anywhere(List.of("dynamodb:*"))),
            "AmazonSQSFullAccess", List.of(anywhere(List.of("sqs:*"))),
            "AmazonSQSReadOnlyAccess", List.of(anywhere(List.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                    "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues", "sqs:ListMessageMoveTasks", "sqs:ListQueueTags"))),
            "AdministratorAccess", List.of(anywhere(List.of("*"))));

    private ManagedPolicies() {}

    /** A managed policy by its name or its ARN ({@code arn:aws:iam::aws:policy/service-role/NAME}). */
    static Optional<List<PolicyStatement>> named(String nameOrArn) {
        String name = nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static PolicyStatement anywhere(List<String> actions) {
        return PolicyStatement.allow(actions, List.of("*"));
    }
}
