package dev.onsale.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
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
 * Against a local stand-in each function signs with the credentials of its own environment (a local
 * stack gives each function its own, to check its calls against its role), so clients are per key too.
 */
public final class AwsClients {
    private static final Map<String, Lazy<DynamoDbClient>> DYNAMO = new ConcurrentHashMap<>();
    private static final Map<String, Lazy<SqsClient>> SQS = new ConcurrentHashMap<>();
    private static final Map<String, Lazy<SecretsManagerClient>> SECRETS = new ConcurrentHashMap<>();

    private AwsClients() {
    }

    public static Lazy<DynamoDbClient> dynamoDb(Config config) {
        return DYNAMO.computeIfAbsent(key(config, config.dynamoDbEndpoint()), k -> Lazy.of("dynamodb-client", () -> DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .httpClient(httpClient())
                .credentialsProvider(credentials(config, config.dynamoDbEndpoint()))
                .applyMutation(b -> config.dynamoDbEndpoint().ifPresent(b::endpointOverride))
                .build()));
    }

    public static Lazy<SqsClient> sqs(Config config) {
        return SQS.computeIfAbsent(key(config, config.sqsEndpoint()), k -> Lazy.of("sqs-client", () -> SqsClient.builder()
                .region(Region.of(config.region()))
                .httpClient(httpClient())
                .credentialsProvider(credentials(config, config.sqsEndpoint()))
                .applyMutation(b -> config.sqsEndpoint().ifPresent(b::endpointOverride))
                .build()));
    }

    public static Lazy<SecretsManagerClient> secretsManager(Config config) {
        return SECRETS.computeIfAbsent(key(config, config.secretsManagerEndpoint()), k -> Lazy.of("secretsmanager-client",
                () -> SecretsManagerClient.builder()
                        .region(Region.of(config.region()))
                        .httpClient(httpClient())
                        .credentialsProvider(credentials(config, config.secretsManagerEndpoint()))
                        .applyMutation(b -> config.secretsManagerEndpoint().ifPresent(b::endpointOverride))
                        .build()));
    }

    private static String key(Config config, Optional<URI> endpoint) {
        String signer = endpoint.isPresent() ? config.accessKeys().map(Config.AccessKeys::accessKeyId).orElse("local") : "default-chain";
        return config.region() + "|" + endpoint.map(URI::toString).orElse("aws") + "|" + signer;
    }

    private static SdkHttpClient httpClient() {
        return ApacheHttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * An endpoint override means a local stand-in: the environment's keys, or any static ones when it has none.
     * AWS uses the default chain (with SnapStart, Lambda serves the role's credentials from a container
     * endpoint, not the environment).
     */
    private static AwsCredentialsProvider credentials(Config config, Optional<URI> endpoint) {
        if (endpoint.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(config.accessKeys()
                .<AwsCredentials>map(keys -> keys.sessionToken().isPresent()
                        ? AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken().get())
                        : AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()))
                .orElse(AwsBasicCredentials.create("local", "local")));
    }
}
