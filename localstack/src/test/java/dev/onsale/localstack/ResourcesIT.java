package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class ResourcesIT {

    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = TestStack.get();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Test
    void aTableGetsItsKeysIndexesBillingAndTimeToLive() {
        String name = stack.physicalId("ItemsTable");
        assertEquals("test-stack-items", name);
        TableDescription table = stack.dynamoDb().describeTable(describe -> describe.tableName(name)).table();
        assertEquals(List.of(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)), table.keySchema());
        assertEquals(BillingMode.PAY_PER_REQUEST, table.billingModeSummary().billingMode());
        GlobalSecondaryIndexDescription byOwner = table.globalSecondaryIndexes().getFirst();
        assertEquals("byOwner", byOwner.indexName());
        assertEquals(List.of(key("owner", KeyType.HASH), key("sk", KeyType.RANGE)), byOwner.keySchema());
        assertEquals(ProjectionType.INCLUDE, byOwner.projection().projectionType());
        assertEquals(List.of("title"), byOwner.projection().nonKeyAttributes());
        LocalSecondaryIndexDescription bySize = table.localSecondaryIndexes().getFirst();
        assertEquals("bySize", bySize.indexName());
        assertEquals(List.of(key("pk", KeyType.HASH), key("size", KeyType.RANGE)), bySize.keySchema());

        TimeToLiveDescription ttl = stack.dynamoDb().describeTimeToLive(describe -> describe.tableName(name)).timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("expiresAt", ttl.attributeName());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/test-stack-items", stack.attribute("ItemsTable", "Arn"));
    }

    @Test
    void aTableWithoutANameOrBillingModeIsNamedAfterTheStackAndProvisioned() {
        String name = stack.physicalId("ProvisionedTable");
        assertEquals("test-stack-ProvisionedTable", name);
        TableDescription table = stack.dynamoDb().describeTable(describe -> describe.tableName(name)).table();
        assertEquals(3L, table.provisionedThroughput().readCapacityUnits());
        assertEquals(4L, table.provisionedThroughput().writeCapacityUnits());
        assertEquals(1L, table.globalSecondaryIndexes().getFirst().provisionedThroughput().readCapacityUnits());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, table.streamSpecification().streamViewType());
    }

    @Test
    void aTablesStreamArnIsTheStreamItsEndpointMade() {
        String streamArn = stack.attribute("ProvisionedTable", "StreamArn");
        TableDescription table = stack.dynamoDb().describeTable(describe -> describe.tableName(stack.physicalId("ProvisionedTable"))).table();
        assertEquals(table.latestStreamArn(), streamArn);
        assertEquals(table.tableName(), stack.dynamoDbStreams().describeStream(describe -> describe.streamArn(streamArn))
                .streamDescription().tableName());
        assertEquals("local-ItemsTable-StreamArn", stack.attribute("ItemsTable", "StreamArn"), "a table without a stream has none");
    }

    @Test
    void queuesGetTheirAttributesAndRedrivePolicy() {
        Map<QueueAttributeName, String> work = stack.sqs().getQueueAttributes(get -> get
                .queueUrl(stack.physicalId("WorkQueue")).attributeNames(QueueAttributeName.ALL)).attributes();
        assertEquals("1", work.get(QueueAttributeName.VISIBILITY_TIMEOUT));
        assertTrue(work.get(QueueAttributeName.REDRIVE_POLICY).contains(stack.attribute("WorkDeadLetterQueue", "Arn")));
        assertTrue(work.get(QueueAttributeName.REDRIVE_POLICY).matches(".*\"maxReceiveCount\":\\s*\"?2\"?.*"),
                work.get(QueueAttributeName.REDRIVE_POLICY));
        assertEquals(stack.attribute("WorkQueue", "Arn"), work.get(QueueAttributeName.QUEUE_ARN));
        assertEquals("test-stack-WorkQueue", stack.attribute("WorkQueue", "QueueName"));

        Map<QueueAttributeName, String> delayed = stack.sqs().getQueueAttributes(get -> get
                .queueUrl(stack.physicalId("DelayedQueue")).attributeNames(QueueAttributeName.DELAY_SECONDS)).attributes();
        assertEquals("2", delayed.get(QueueAttributeName.DELAY_SECONDS));
        assertTrue(stack.physicalId("WholeBatchQueue").endsWith("/test-stack-whole-batch"), stack.physicalId("WholeBatchQueue"));
        assertTrue(stack.physicalId("OrderedQueue").endsWith("/test-stack-OrderedQueue.fifo"), stack.physicalId("OrderedQueue"));
    }

    @Test
    void aHandlerSeesItsResolvedEnvironmentInItsConstructorOnly() {
        @SuppressWarnings("unchecked")
        Map<String, String> seen = (Map<String, String>) stack.invoke("EnvironmentProbeFunction", Map.of());
        Map<String, String> environment = stack.functionEnvironment("EnvironmentProbeFunction");

        seen.forEach((name, value) -> assertEquals(environment.get(name), value, name));
        assertEquals("from-function", seen.get("SHARED"));
        assertEquals("hello from us-east-1", seen.get("GREETING"));
        assertEquals(stack.attribute("WorkDeadLetterQueue", "Arn"), seen.get("DEAD_LETTER_ARN"));
        assertEquals("a:test:c", seen.get("JOINED"));
        assertEquals("y", seen.get("SELECTED"));
        assertEquals("test-value", seen.get("CHOSEN"));
        assertEquals("test-stack-WorkQueue", seen.get("QUEUE_NAME"));
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/test-stack-items", seen.get("TABLE_ARN"));
        assertEquals("local-SecurityGroup", seen.get("SECURITY_GROUP"));
        assertEquals("test-stack-items", seen.get("ITEMS_TABLE"));
        assertEquals(stack.physicalId("WorkQueue"), seen.get("WORK_QUEUE_URL"));
        assertEquals("127.0.0.1", seen.get("CACHE_HOST"));
        assertEquals(String.valueOf(stack.redisPort()), seen.get("CACHE_PORT"));
        assertEquals("us-east-1", seen.get("AWS_REGION"));
        assertEquals("test-stack-probe", seen.get("AWS_LAMBDA_FUNCTION_NAME"));
        assertEquals("256", seen.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
        assertEquals(stack.functionsDynamoDbEndpoint().toString(), seen.get("AWS_ENDPOINT_URL_DYNAMODB"));
        assertEquals(stack.functionsSqsEndpoint().toString(), seen.get("AWS_ENDPOINT_URL_SQS"));

        assertNull(System.getProperty(LambdaEnvironment.PROPERTY_PREFIX + "SHARED"), "the properties are gone after construction");
        assertEquals("from-globals", stack.functionEnvironment("EchoFunction").get("SHARED"));
    }

    @Test
    void aFunctionOutsideTheVpcGetsACacheEndpointThatTakesNoConnectionAndCountsItsAttempts() throws Exception {
        Map<String, String> outside = stack.functionEnvironment("EchoFunction");
        int port = Integer.parseInt(outside.get("CACHE_PORT"));
        assertEquals("127.0.0.1", outside.get("CACHE_HOST"));
        assertTrue(port != stack.redisPort(), "not redis-server's port");
        int before = stack.cacheConnectionsFromOutsideTheVpc().get("EchoFunction");

        String answer;
        try {
            answer = ping(port);
        } catch (IOException reset) {
            answer = "reset";
        }

        assertFalse(answer.startsWith("+PONG"), answer);
        assertEquals(before + 1, stack.cacheConnectionsFromOutsideTheVpc().get("EchoFunction"));
        assertFalse(stack.cacheConnectionsFromOutsideTheVpc().containsKey("EnvironmentProbeFunction"), "it is in the VPC");
        assertEquals(String.valueOf(stack.redisPort()), stack.functionEnvironment("EnvironmentProbeFunction").get("CACHE_PORT"));
    }

    @Test
    void aFunctionWhoseConditionIsFalseIsNotDeployed() {
        assertThrows(IllegalArgumentException.class, () -> stack.invoke("ProdOnlyFunction", Map.of()));
    }

    @Test
    void redisCanBeStoppedAndStartedAgainOnTheSamePort() throws Exception {
        int port = stack.redisPort();
        assertEquals("+PONG", ping(port));
        stack.stopRedis();
        try {
            assertThrows(IOException.class, () -> ping(port));
        } finally {
            stack.startRedis();
        }
        assertEquals(port, stack.redisPort());
        assertEquals("+PONG", ping(port));
        assertEquals("127.0.0.1", stack.attribute("Cache", "Endpoint.Address"));
        assertEquals(String.valueOf(port), stack.attribute("Cache", "Endpoint.Port"));
        assertEquals("test-stack-cache", stack.physicalId("Cache"));
    }

    @Test
    void resourcesWithoutALocalMeaningGetPlaceholders() {
        assertEquals("local-SecurityGroup", stack.physicalId("SecurityGroup"));
        assertEquals("local-Api", stack.physicalId("Api"));
        assertFalse(stack.physicalId("EchoFunction").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> stack.physicalId("NoSuchResource"));
    }

    private static String ping(int port) throws IOException {
        try (Socket socket = new Socket(stack.redisHost(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
        }
    }
}
