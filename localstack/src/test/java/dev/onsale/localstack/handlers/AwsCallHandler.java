package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Makes the one AWS call its event names, with the SDK and the credentials of its environment (as a function
 * on Lambda does), and answers what came of it: {@code {"outcome": "ok"}}, or the service's refusal
 * ({@code outcome} the exception's class, {@code status}, {@code code}, {@code message}).
 *
 * <p>Events: {@code {"call": "GetItem", "table": "ITEMS_TABLE"}} (the table named by that variable), with
 * {@code Query}, {@code QueryIndex}, {@code PutItem}, {@code DeleteItem}, {@code BatchGetItem} (ITEMS_TABLE and
 * {@code table}), {@code TransactWrite} (a Put in {@code table} and a ConditionCheck in ITEMS_TABLE), {@code SendMessage}.
 */
public class AwsCallHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final Map<String, String> environment = new LinkedHashMap<>();
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;

    public AwsCallHandler() {
        for (String name : List.of("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS", "ITEMS_TABLE", "OTHER_TABLE", "WORK_QUEUE_URL")) {
            environment.put(name, System.getProperty("lambda.env." + name));
        }
        String id = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(environment.get("AWS_SESSION_TOKEN") == null
                ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, environment.get("AWS_SESSION_TOKEN")));
        dynamoDb = DynamoDbClient.builder().region(Region.of(environment.get("AWS_REGION"))).credentialsProvider(credentials)
                .endpointOverride(URI.create(environment.get("AWS_ENDPOINT_URL_DYNAMODB"))).httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD)).build();
        sqs = SqsClient.builder().region(Region.of(environment.get("AWS_REGION"))).credentialsProvider(credentials)
                .endpointOverride(URI.create(environment.get("AWS_ENDPOINT_URL_SQS"))).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String table = environment.get(String.valueOf(event.getOrDefault("table", "ITEMS_TABLE")));
        String items = environment.get("ITEMS_TABLE");
        Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS("k1"));
        try {
            switch (String.valueOf(event.get("call"))) {
                case "GetItem" -> dynamoDb.getItem(get -> get.tableName(table).key(key));
                case "PutItem" -> dynamoDb.putItem(put -> put.tableName(table).item(Map.of("id", AttributeValue.fromS("k1"),
                        "name", AttributeValue.fromS("n1"))));
                case "DeleteItem" -> dynamoDb.deleteItem(delete -> delete.tableName(table).key(key));
                case "Query" -> dynamoDb.query(query -> query.tableName(table).keyConditionExpression("id = :id")
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS("k1"))));
                case "QueryIndex" -> dynamoDb.query(query -> query.tableName(table).indexName("byName")
                        .keyConditionExpression("#n = :n").expressionAttributeNames(Map.of("#n", "name"))
                        .expressionAttributeValues(Map.of(":n", AttributeValue.fromS("n1"))));
                case "BatchGetItem" -> {
                    Map<String, KeysAndAttributes> reads = new LinkedHashMap<>();
                    reads.put(items, KeysAndAttributes.builder().keys(key).build());
                    reads.put(table, KeysAndAttributes.builder().keys(key).build());
                    dynamoDb.batchGetItem(batch -> batch.requestItems(reads));
                }
                case "TransactWrite" -> dynamoDb.transactWriteItems(transaction -> transaction.transactItems(
                        TransactWriteItem.builder().put(put -> put.tableName(table).item(Map.of("id", AttributeValue.fromS("t1")))).build(),
                        TransactWriteItem.builder().conditionCheck(check -> check.tableName(items).key(Map.of("id", AttributeValue.fromS("c1")))
                                .conditionExpression("attribute_not_exists(id)")).build()));
                case "SendMessage" -> sqs.sendMessage(send -> send.queueUrl(environment.get("WORK_QUEUE_URL")).messageBody("hello"));
                default -> throw new IllegalArgumentException("no call " + event.get("call"));
            }
            return Map.of("outcome", "ok");
        } catch (AwsServiceException refused) {
            return Map.of("outcome", refused.getClass().getSimpleName(), "status", refused.statusCode(),
                    "code", refused.awsErrorDetails().errorCode(), "message", refused.awsErrorDetails().errorMessage());
        }
    }
}
