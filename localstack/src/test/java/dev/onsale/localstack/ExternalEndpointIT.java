package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.onsale.localstack.handlers.SqsBatchHandler;
import dev.onsale.localstack.handlers.StreamRecordingHandler;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The stack against an external AWS endpoint, as against a LocalStack container: the init hook creates
 * the tables and queues first (run with the real AWS CLI, as {@code awslocal} would), then the stack keeps
 * them and runs the functions. moto_server stands in for LocalStack where it is installed; elsewhere
 * this class is skipped.
 */
class ExternalEndpointIT {

    private static final Path WORK = Path.of("target/external-endpoint-it");
    private static Process moto;
    private static URI endpoint;
    private static LocalStack stack;

    @BeforeAll
    static void startMotoRunTheInitHookAndTheStack() throws Exception {
        assumeTrue(onPath("moto_server") && onPath("aws") && onPath("bash"), "needs moto_server, the AWS CLI and bash");
        Files.createDirectories(WORK);
        int port = FreePorts.pick();
        endpoint = URI.create("http://127.0.0.1:" + port);
        ProcessBuilder motoServer = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(WORK.resolve("moto.log").toFile());
        motoServer.environment().put("MOTO_ACCOUNT_ID", StackParameters.ACCOUNT_ID); // LocalStack's account
        moto = motoServer.start();
        awaitHttp(endpoint);

        Path bin = Files.createDirectories(WORK.resolve("bin"));
        Path awslocal = bin.resolve("awslocal");
        Files.writeString(awslocal, "#!/bin/sh\nexec aws --endpoint-url \"$EXTERNAL_ENDPOINT\" \"$@\"\n");
        Files.setPosixFilePermissions(awslocal, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hook = WORK.resolve("01-create-resources.sh");
        Files.writeString(hook, InitHookScript.render(Template.load(TestStack.TEMPLATE), "onsale-local", "us-east-1"));
        ProcessBuilder runHook = new ProcessBuilder("bash", hook.toString()).redirectErrorStream(true);
        runHook.environment().putAll(Map.of(
                "PATH", bin.toAbsolutePath() + File.pathSeparator + System.getenv("PATH"),
                "EXTERNAL_ENDPOINT", endpoint.toString(),
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_PAGER", ""));
        Process hookRun = runHook.start();
        String output = new String(hookRun.getInputStream().readAllBytes());
        assertEquals(0, hookRun.waitFor(), output);

        stack = LocalStack.start(LocalStackOptions.builder()
                .template(TestStack.TEMPLATE)
                .port(0)
                .externalAwsEndpoint(endpoint)
                .build());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        if (stack != null) {
            stack.close();
        }
        if (moto != null) {
            moto.destroy();
            moto.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void functionsAndClientsUseTheExternalEndpoint() {
        assertEquals(endpoint, stack.dynamoDbEndpoint());
        assertEquals(endpoint, stack.sqsEndpoint());
        // the functions go through the IAM proxies, which forward to the external endpoint
        Map<String, String> environment = stack.functionEnvironment("EchoFunction");
        assertEquals(stack.functionsDynamoDbEndpoint().toString(), environment.get("AWS_ENDPOINT_URL_DYNAMODB"));
        assertEquals(stack.functionsSqsEndpoint().toString(), environment.get("AWS_ENDPOINT_URL_SQS"));
    }

    @Test
    void theInitHooksTablesAreThoseTheStackUses() {
        TableDescription table = stack.dynamoDb().describeTable(describe -> describe.tableName(stack.physicalId("ItemsTable"))).table();
        assertEquals("onsale-local-items", table.tableName());
        assertEquals("byOwner", table.globalSecondaryIndexes().getFirst().indexName());
        assertEquals("bySize", table.localSecondaryIndexes().getFirst().indexName());
        assertEquals(TimeToLiveStatus.ENABLED, stack.dynamoDb()
                .describeTimeToLive(describe -> describe.tableName("onsale-local-items")).timeToLiveDescription().timeToLiveStatus());
    }

    @Test
    void aQueuedMessageReachesItsFunction() throws Exception {
        String body = "external-" + UUID.randomUUID();
        stack.sqs().sendMessage(send -> send.queueUrl(stack.physicalId("WorkQueue")).messageBody(body));
        long deadline = System.currentTimeMillis() + 15_000;
        List<SQSEvent.SQSMessage> delivered = List.of();
        while (delivered.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            delivered = SqsBatchHandler.RECEIVED.stream().flatMap(batch -> batch.event().getRecords().stream())
                    .filter(message -> message.getBody().equals(body)).toList();
        }
        assertEquals(1, delivered.size(), "delivered once");
        assertEquals(stack.attribute("WorkQueue", "Arn"), delivered.getFirst().getEventSourceArn());
    }

    @Test
    void aTableChangeReachesItsStreamFunctionThroughTheEndpointsStream() {
        String key = "external-" + UUID.randomUUID();
        String table = stack.physicalId("ChangesTable");
        stack.dynamoDb().putItem(put -> put.tableName(table).item(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromN("1"))));

        stack.awaitStreamsCaughtUp(Duration.ofSeconds(30));

        List<DynamodbEvent.DynamodbStreamRecord> delivered = StreamRecordingHandler.RECEIVED.stream()
                .flatMap(batch -> batch.event().getRecords().stream())
                .filter(record -> record.getDynamodb().getKeys().get("pk").getS().equals(key)).toList();
        assertEquals(1, delivered.size(), "delivered once");
        String streamArn = stack.dynamoDb().describeTable(describe -> describe.tableName(table)).table().latestStreamArn();
        assertEquals(streamArn, stack.attribute("ChangesTable", "StreamArn"), "the endpoint's own stream");
        assertEquals(streamArn, delivered.getFirst().getEventSourceARN());
        assertEquals("INSERT", delivered.getFirst().getEventName());
    }

    @Test
    void theGatewayServesTheFunctions() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(stack.gatewayUrl().resolve("/open")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"routeKey\":\"GET /open\""), response.body());
    }

    private static boolean onPath(String command) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
    }

    private static void awaitHttp(URI uri) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                client.send(HttpRequest.newBuilder(uri.resolve("/moto-api/")).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline || !moto.isAlive()) {
                    throw new IllegalStateException("moto_server did not start; see " + WORK.resolve("moto.log"), notYet);
                }
                Thread.sleep(100);
            }
        }
    }
}
