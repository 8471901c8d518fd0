package dev.onsale.platform;

/** What a function talks to. A function's no-arg constructor names what its first request will need. */
public enum Dependency {
    REDIS, DYNAMODB, SQS;

    /**
     * Starts readying {@code needed} on threads of their own (connecting to Redis, building SDK
     * clients: hundreds of classes each) while the rest of the cold start runs; the first call waits
     * for what is not ready yet, and a failure here is met again, and reported, by that call.
     */
    public static void prepareInBackground(Config config, Dependency... needed) {
        for (Dependency dependency : needed) {
            switch (dependency) {
                case REDIS -> Redis.shared(config.redis()).connectInBackground();
                case DYNAMODB -> AwsClients.dynamoDb(config).buildInBackground();
                case SQS -> AwsClients.sqs(config).buildInBackground();
            }
        }
    }
}
