package dev.onsale.testing;

import dev.onsale.localstack.GatewayRequests;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Every DynamoDB write that succeeded (a cancelled transaction or failed condition wrote nothing) while the local gateway serves a request, by gateway request id
 * ({@code apigw-requestid}), so a test can prove a refused request wrote nothing. The SDK registers it on
 * every client of the test JVM, the functions' own included, as a global interceptor (listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}); it records only between
 * {@link #start()} and {@link #stop()}, and only calls made for a gateway request.
 */
public final class DynamoDbWrites implements ExecutionInterceptor {
    private static final Set<String> WRITES = Set.of(
            "PutItemRequest", "UpdateItemRequest", "DeleteItemRequest", "BatchWriteItemRequest", "TransactWriteItemsRequest");
    private static final Map<String, List<String>> BY_REQUEST = new ConcurrentHashMap<>();
    private static volatile boolean recording;

    public static void start() {
        BY_REQUEST.clear();
        recording = true;
    }

    public static void stop() {
        recording = false;
    }

    /** The writes made for gateway request {@code requestId}, e.g. {@code [PutItemRequest]}. */
    public static List<String> of(String requestId) {
        return BY_REQUEST.getOrDefault(requestId, List.of());
    }

    /** Every gateway request that wrote, with its writes. */
    public static Map<String, List<String>> all() {
        return Map.copyOf(BY_REQUEST);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!recording) {
            return;
        }
        String operation = context.request().getClass().getSimpleName();
        if (WRITES.contains(operation)) {
            GatewayRequests.current().ifPresent(id ->
                    BY_REQUEST.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(operation));
        }
    }
}
