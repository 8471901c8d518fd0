package dev.onsale.booking;

import java.util.Optional;

/**
 * A client's idempotency key, from {@code X-Idempotency-Key} (as the API has always taken it) or the
 * IETF draft's {@code Idempotency-Key}, whose value is a structured-field string ({@code "abc"}).
 */
public record IdempotencyKey(String value) {
    public static final int MAX_LENGTH = 255;

    /** Why a header value is not a usable key. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public static Optional<IdempotencyKey> parse(Optional<String> legacyHeader, Optional<String> ietfHeader) throws Invalid {
        if (legacyHeader.isPresent()) {
            return Optional.of(validated(legacyHeader.get().trim()));
        }
        if (ietfHeader.isPresent()) {
            String value = ietfHeader.get().trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
                if (value.contains("\"") || value.contains("\\")) {
                    throw new Invalid("Idempotency-Key must be a plain string");
                }
            }
            return Optional.of(validated(value));
        }
        return Optional.empty();
    }

    private static IdempotencyKey validated(String value) throws Invalid {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new Invalid("An idempotency key must have 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new Invalid("An idempotency key may only hold visible ASCII characters");
            }
        }
        return new IdempotencyKey(value);
    }

    /** The record's key: scoped to the caller and the operation, so keys never collide across users. */
    String scopedTo(String userId, String operation) {
        return operation + "#" + userId.length() + ":" + userId + "#" + value;
    }
}
