package dev.onsale.localstack;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway request a thread is serving ({@code apigw-requestid}), while the local gateway invokes a
 * function for it. Lets a test attribute what a function did (say, its DynamoDB writes, seen by an SDK
 * interceptor) to the HTTP answer that caused it. Threads the function starts meanwhile inherit it.
 */
public final class GatewayRequests {
    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();

    private GatewayRequests() {}

    /** The gateway request the calling thread serves; empty outside the gateway's invocations. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static <T> T serving(String requestId, Supplier<T> invocation) {
        CURRENT.set(requestId);
        try {
            return invocation.get();
        } finally {
            CURRENT.remove();
        }
    }
}
