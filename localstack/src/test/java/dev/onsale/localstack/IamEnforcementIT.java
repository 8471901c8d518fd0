package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Functions' SDK calls checked against their roles from the template, as AWS checks them: what a role
 * allows goes through to DynamoDB Local and ElasticMQ, the rest is refused with the service's AccessDenied.
 */
class IamEnforcementIT {

    private static final Path TEMPLATE = Path.of("src/test/resources/iam-template.yaml");
    private static final String STACK = "iam-stack";
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackOptions.builder().template(TEMPLATE).port(0).stackName(STACK).build());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static Map<?, ?> call(String function, String call, String table) {
        return (Map<?, ?>) stack.invoke(function, Map.of("call", call, "table", table));
    }

    private static String tableArn(String logicalId) {
        return stack.attribute(logicalId, "Arn");
    }

    @Test
    void aFunctionMakesTheCallsItsRoleAllows() {
        assertEquals("ok", call("ReaderFunction", "GetItem", "ITEMS_TABLE").get("outcome"));
        assertEquals("ok", call("ReaderFunction", "QueryIndex", "ITEMS_TABLE").get("outcome"));
        assertEquals("ok", call("WriterFunction", "PutItem", "ITEMS_TABLE").get("outcome"));
        assertEquals("ok", call("WriterFunction", "SendMessage", "ITEMS_TABLE").get("outcome"));
    }

    @Test
    void aCallTheRoleDoesNotAllowIsRefusedAsDynamoDbRefusesIt() {
        Map<?, ?> refused = call("ReaderFunction", "GetItem", "OTHER_TABLE");

        assertEquals("DynamoDbException", refused.get("outcome"));
        assertEquals(400, refused.get("status"));
        assertEquals("AccessDeniedException", refused.get("code"));
        assertEquals("User: arn:aws:sts::000000000000:assumed-role/" + STACK + "-ReaderFunctionRole-local/" + STACK + "-ReaderFunction"
                + " is not authorized to perform: dynamodb:GetItem on resource: " + tableArn("OtherTable")
                + " because no identity-based policy allows the dynamodb:GetItem action", refused.get("message"));
    }

    @Test
    void anIndexGrantIsNotATableGrant() {
        Map<?, ?> refused = call("ReaderFunction", "Query", "ITEMS_TABLE");

        assertEquals("AccessDeniedException", refused.get("code"));
        assertTrue(String.valueOf(refused.get("message")).contains("dynamodb:Query on resource: " + tableArn("ItemsTable") + " because"));
    }

    @Test
    void aBatchNeedsItsActionOnEveryTableItReads() {
        assertEquals("ok", call("ReaderFunction", "BatchGetItem", "ITEMS_TABLE").get("outcome"));
        Map<?, ?> refused = call("ReaderFunction", "BatchGetItem", "OTHER_TABLE");

        assertEquals("AccessDeniedException", refused.get("code"));
        assertTrue(String.valueOf(refused.get("message")).contains("dynamodb:BatchGetItem on resource: " + tableArn("OtherTable")));
    }

    @Test
    void aTransactionNeedsEachItemsAction() {
        assertEquals("ok", call("WriterFunction", "TransactWrite", "ITEMS_TABLE").get("outcome"));
        Map<?, ?> refused = call("WriterFunction", "TransactWrite", "OTHER_TABLE");

        assertEquals("AccessDeniedException", refused.get("code"));
        assertTrue(String.valueOf(refused.get("message")).contains("dynamodb:PutItem on resource: " + tableArn("OtherTable")));
    }

    @Test
    void anExplicitDenyWinsOverThePolicyTemplatesAllow() {
        Map<?, ?> refused = call("WriterFunction", "DeleteItem", "ITEMS_TABLE");

        assertEquals("AccessDeniedException", refused.get("code"));
        assertTrue(String.valueOf(refused.get("message")).endsWith("with an explicit deny in an identity-based policy"));
    }

    @Test
    void anSqsCallTheRoleDoesNotAllowIsRefusedAsSqsRefusesIt() {
        Map<?, ?> refused = call("NothingFunction", "SendMessage", "ITEMS_TABLE");

        assertEquals("SqsException", refused.get("outcome"));
        assertEquals(400, refused.get("status"));
        assertEquals("AccessDenied", refused.get("code")); // from x-amzn-query-error, as the SDK reads SQS's JSON errors
        assertEquals("User: arn:aws:sts::000000000000:assumed-role/" + STACK + "-NothingFunctionRole-local/" + STACK + "-NothingFunction"
                + " is not authorized to perform: sqs:sendmessage on resource: " + stack.attribute("WorkQueue", "Arn")
                + " because no identity-based policy allows the sqs:sendmessage action", refused.get("message"));
    }

    @Test
    void eachFunctionHasItsOwnCredentialsAndReachesTheServicesThroughTheStack() {
        Map<String, String> reader = stack.functionEnvironment("ReaderFunction");
        Map<String, String> writer = stack.functionEnvironment("WriterFunction");

        assertTrue(reader.get("AWS_ACCESS_KEY_ID").startsWith("ASIA"));
        assertNotEquals(reader.get("AWS_ACCESS_KEY_ID"), writer.get("AWS_ACCESS_KEY_ID"));
        assertEquals(stack.functionsDynamoDbEndpoint().toString(), reader.get("AWS_ENDPOINT_URL_DYNAMODB"));
        assertNotEquals(stack.dynamoDbEndpoint(), stack.functionsDynamoDbEndpoint());
    }

    @Test
    void anyOtherKeyIsTheAccountsAdministrator() {
        try (DynamoDbClient admin = DynamoDbClient.builder().endpointOverride(stack.functionsDynamoDbEndpoint())
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("someone", "secret"))).build()) {
            admin.putItem(put -> put.tableName(stack.physicalId("OtherTable")).item(Map.of("id", AttributeValue.fromS("admin"))));

            // the same data the stack's own client sees: the emulator gets every call under one key
            assertTrue(stack.dynamoDb().getItem(get -> get.tableName(stack.physicalId("OtherTable"))
                    .key(Map.of("id", AttributeValue.fromS("admin")))).hasItem());
        }
    }

    @Test
    void withEnforcementOffEveryCallGoesThrough() {
        try (LocalStack open = LocalStack.start(LocalStackOptions.builder().template(TEMPLATE).port(0).stackName("iam-off")
                .enforceIam(false).build())) {
            assertEquals("ok", ((Map<?, ?>) open.invoke("NothingFunction", Map.of("call", "SendMessage"))).get("outcome"));
            assertEquals("ok", ((Map<?, ?>) open.invoke("ReaderFunction", Map.of("call", "GetItem", "table", "OTHER_TABLE"))).get("outcome"));
            assertEquals(open.dynamoDbEndpoint(), open.functionsDynamoDbEndpoint());
        }
    }

    @Test
    void anEventSourceItsRoleCannotPollFailsTheStartAsTheDeployWould() throws IOException {
        Path template = Files.createTempFile(Path.of("target"), "iam-unpollable", ".yaml");
        Files.writeString(template, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  WorkerFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: dev.onsale.localstack.handlers.SqsBatchHandler::handleRequest
                      Role: !GetAtt WorkerRole.Arn
                      Events:
                        Work:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt WorkQueue.Arn
                  WorkerRole:
                    Type: AWS::IAM::Role
                    Properties:
                      Policies:
                        - PolicyName: receive-only
                          PolicyDocument:
                            Statement:
                              - Effect: Allow
                                Action: [sqs:ReceiveMessage, sqs:GetQueueAttributes]
                                Resource: !GetAtt WorkQueue.Arn
                  WorkQueue:
                    Type: AWS::SQS::Queue
                """);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LocalStack.start(
                LocalStackOptions.builder().template(template).port(0).stackName("iam-unpollable").build()));

        assertTrue(refused.getMessage().contains(
                "WorkerFunction.Events.Work: The provided execution role does not have permissions to call DeleteMessage on SQS"),
                refused.getMessage());
    }
}
