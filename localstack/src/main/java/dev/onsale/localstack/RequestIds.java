package dev.onsale.localstack;

import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids shaped like AWS's. ThreadLocalRandom rather than {@code UUID.randomUUID()}: these need to
 * be unique, not unguessable, and SecureRandom would be a shared point of contention on the hot path.
 */
final class RequestIds {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private RequestIds() {}

    /** Lambda's awsRequestId: a version 4 UUID. */
    static String lambdaRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    /** API Gateway's apigw-requestid: 16 base64 characters, e.g. {@code JKJaXmPLvHcESHA=}. */
    static String apiGatewayRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return BASE64.encodeToString(bytes);
    }
}
