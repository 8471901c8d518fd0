package dev.onsale.testing;

import dev.onsale.platform.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Clients of the embedded stack's stand-ins that a test owns (and may instrument). */
public final class Stacks {
    private Stacks() {
    }

    public static DynamoDbClient dynamoDb(Config config, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .endpointOverride(config.dynamoDbEndpoint().orElseThrow())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> {
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }

    public static SqsClient sqs(Config config, ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .region(Region.of(config.region()))
                .endpointOverride(config.sqsEndpoint().orElseThrow())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> {
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }
}
