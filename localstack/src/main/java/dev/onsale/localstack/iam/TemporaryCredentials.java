package dev.onsale.localstack.iam;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The session credentials Lambda gives a function ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_SESSION_TOKEN}): shaped like STS's, new at every stack start. The access key id names the
 * function to the stack's services, as it names the role session to AWS's.
 */
public record TemporaryCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {

    private static final char[] KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static TemporaryCredentials issue() {
        StringBuilder keyId = new StringBuilder("ASIA");
        for (int i = 0; i < 16; i++) {
            keyId.append(KEY_ALPHABET[RANDOM.nextInt(KEY_ALPHABET.length)]);
        }
        return new TemporaryCredentials(keyId.toString(), randomText(30), randomText(96));
    }

    private static String randomText(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().withoutPadding().encodeToString(random);
    }

    /** Never prints the secret parts. */
    @Override
    public String toString() {
        return "TemporaryCredentials[accessKeyId=" + accessKeyId + "]";
    }
}
