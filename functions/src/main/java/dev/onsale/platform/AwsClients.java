package dev.onsale.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients, one per endpoint for the whole JVM: a Lambda container reuses them across invocations,
 * and a local runtime hosting many functions shares them instead of opening a pool per function.
 * Each is built on first use (a function that never sends to SQS never loads its client), or ahead of
 * it with {@link Lazy#buildInBackground} by a function that will need it on its first request.
 */
public final class AwsClients {
    private static final Map<String, Lazy<DynamoDbClient>> DYNAMO = new ConcurrentHashMap<>();
    private static final Map<String, Lazy<SqsClient>> SQS = new ConcurrentHashMap<>();
    private static final Map<String, Lazy<SecretsManagerClient>> SECRETS = new ConcurrentHashMap<>();

    private AwsClients() {
    }

    public static Lazy<DynamoDbClient> dynamoDb(Config config) {
        return DYNAMO.computeIfAbsent(key(config.region(), config.dynamoDbEndpoint()), k -> Lazy.of("dynamodb-client", () -> DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .httpClient(httpClient())
                .credentialsProvider(credentials(config.dynamoDbEndpoint()))
                .applyMutation(b -> config.dynamoDbEndpoint().ifPresent(b::endpointOverride))
                .build()));
    }

    public static Lazy<SqsClient> sqs(Config config) {
        return SQS.computeIfAbsent(key(config.region(), config.sqsEndpoint()), k -> Lazy.of("sqs-client", () -> SqsClient.builder()
                .region(Region.of(config.region()))
                .httpClient(httpClient())
                .credentialsProvider(credentials(config.sqsEndpoint()))
                .applyMutation(b -> config.sqsEndpoint().ifPresent(b::endpointOverride))
                .build()));
    }

    public static Lazy<SecretsManagerClient> secretsManager(Config config) {
        return SECRETS.computeIfAbsent(key(config.region(), config.secretsManagerEndpoint()), k -> Lazy.of("secretsmanager-client",
                () -> SecretsManagerClient.builder()
                        .region(Region.of(config.region()))
                        .httpClient(httpClient())
                        .credentialsProvider(credentials(config.secretsManagerEndpoint()))
                        .applyMutation(b -> config.secretsManagerEndpoint().ifPresent(b::endpointOverride))
                        .build()));
    }

    private static String key(String region, Optional<URI> endpoint) {
        return region + "|" + endpoint.map(URI::toString).orElse("aws");
    }

    private static SdkHttpClient httpClient() {
        return ApacheHttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** An endpoint override means a local stand-in, which takes any static keys; AWS uses the default chain. */
    private static AwsCredentialsProvider credentials(Optional<URI> endpoint) {
        if (endpoint.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
