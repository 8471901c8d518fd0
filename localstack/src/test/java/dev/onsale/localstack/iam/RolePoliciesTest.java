package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolePoliciesTest {

    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:Work";

    private final List<String> warnings = new ArrayList<>();
    private final RolePolicies roles = new RolePolicies(new ResourceArns("us-east-1", "000000000000"), warnings::add);

    @Test
    void inlineStatementsGrantWhatTheyName() {
        IdentityPolicy policy = roles.samFunctionRole("Fn", List.of(Map.of("Statement", List.of(
                Map.of("Effect", "Allow", "Action", List.of("dynamodb:GetItem"), "Resource", TABLE),
                Map.of("Effect", "Allow", "Action", "dynamodb:Query", "Resource", TABLE + "/index/byUser")))), false, List.of());

        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:GetItem", TABLE));
        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:Query", TABLE + "/index/byUser"));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:Query", TABLE));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:PutItem", TABLE));
    }

    @Test
    void samAttachesTheEventSourcesExecutionRoles() {
        IdentityPolicy none = roles.samFunctionRole("Fn", null, false, List.of());
        IdentityPolicy polling = roles.samFunctionRole("Fn", null, false, List.of(
                new RolePolicies.EventSource("SQS", null, null), new RolePolicies.EventSource("DynamoDB", null, null)));

        assertEquals(Decision.ALLOWED, none.evaluate("logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:x"));
        assertEquals(Decision.IMPLICITLY_DENIED, none.evaluate("sqs:ReceiveMessage", QUEUE));
        assertEquals(Decision.ALLOWED, polling.evaluate("sqs:ReceiveMessage", QUEUE));
        assertEquals(Decision.ALLOWED, polling.evaluate("dynamodb:GetRecords", TABLE + "/stream/2026"));
        assertEquals(Decision.IMPLICITLY_DENIED, polling.evaluate("dynamodb:GetItem", TABLE));
    }

    @Test
    void anOnFailureDestinationOfTypeSqsMaybeSentTo() {
        IdentityPolicy typed = roles.samFunctionRole("Fn", null, false, List.of(new RolePolicies.EventSource("DynamoDB", "SQS", QUEUE)));
        IdentityPolicy untyped = roles.samFunctionRole("Fn", null, false, List.of(new RolePolicies.EventSource("DynamoDB", null, QUEUE)));

        assertEquals(Decision.ALLOWED, typed.evaluate("sqs:SendMessage", QUEUE));
        assertEquals(Decision.IMPLICITLY_DENIED, untyped.evaluate("sqs:SendMessage", QUEUE));
    }

    @Test
    void policyTemplatesAndManagedPoliciesExpand() {
        IdentityPolicy policy = roles.samFunctionRole("Fn", List.of(
                Map.of("DynamoDBReadPolicy", Map.of("TableName", "Orders")),
                Map.of("SQSSendMessagePolicy", Map.of("QueueName", "Work")),
                "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"), false, List.of());

        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:Query", TABLE + "/index/byUser"));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:PutItem", TABLE));
        assertEquals(Decision.ALLOWED, policy.evaluate("sqs:SendMessage", QUEUE));
        assertEquals(Decision.ALLOWED, policy.evaluate("sqs:GetQueueUrl", "arn:aws:sqs:us-east-1:000000000000:Other"));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void whatIsNotModelledGrantsNothingAndSaysSo() {
        IdentityPolicy policy = roles.samFunctionRole("Fn", List.of("SomeCustomerPolicy", Map.of("S3CrudPolicy", Map.of("BucketName", "b"))),
                false, List.of());

        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("s3:GetObject", "arn:aws:s3:::b/k"));
        assertEquals(2, warnings.size(), warnings.toString());
    }

    @Test
    void aMalformedPolicyFailsAsTheDeployWould() {
        assertThrows(IllegalArgumentException.class, () -> roles.samFunctionRole("Fn", List.of(Map.of(
                "Statement", List.of(Map.of("Effect", "Allow", "Action", "dynamodb:GetItem"))), Map.of("A", 1, "B", 2)), false, List.of()));
    }

    @Test
    void dynamoDbLocalStreamsAreSeenInTheStacksRegion() {
        String localStream = "arn:aws:dynamodb:ddblocal:000000000000:table/Orders/stream/2026-01-01T00:00:00.000";
        IdentityPolicy byTableArn = roles.samFunctionRole("Fn", Map.of("Statement", List.of(Map.of(
                "Effect", "Allow", "Action", "dynamodb:DescribeStream", "Resource", TABLE + "/stream/*"))), false, List.of());
        IdentityPolicy byStreamArn = roles.samFunctionRole("Fn", Map.of("Statement", List.of(Map.of(
                "Effect", "Allow", "Action", "dynamodb:DescribeStream", "Resource", localStream))), false, List.of());

        String seen = new ResourceArns("us-east-1", "000000000000").canonical(localStream);
        assertEquals(Decision.ALLOWED, byTableArn.evaluate("dynamodb:DescribeStream", seen));
        assertEquals(Decision.ALLOWED, byStreamArn.evaluate("dynamodb:DescribeStream", seen));
    }

    @Test
    void anIamRoleGrantsItsInlineAndManagedPolicies() {
        IdentityPolicy policy = roles.iamRole("Role", Map.of(
                "Policies", List.of(Map.of("PolicyName", "p", "PolicyDocument", Map.of("Statement",
                        Map.of("Effect", "Allow", "Action", "dynamodb:PutItem", "Resource", TABLE)))),
                "ManagedPolicyArns", List.of("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")));

        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:PutItem", TABLE));
        assertEquals(Decision.ALLOWED, policy.evaluate("logs:CreateLogStream", "*"));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("sqs:ReceiveMessage", QUEUE));
    }
}
