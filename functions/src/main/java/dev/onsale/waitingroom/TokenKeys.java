package dev.onsale.waitingroom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.platform.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The waiting room's HMAC-SHA256 keys: the current one, which signs, and the one before it, which still verifies
 * what it signed. Each has an id, its kid: a positive number, one more at every rotation, so a token names its key and
 * a kid below the previous one is a key rotated out.
 *
 * <p>As the secret holds them, one flat JSON object (flat so that CloudFormation's {@code GenerateSecretString} can make
 * the first value, kid 1 and no previous):
 * <pre>{@code {"current_kid": 2, "current_key": "<64 characters>", "previous_kid": 1, "previous_key": "<64 characters>"}}</pre>
 */
public record TokenKeys(Key current, Optional<Key> previous) {
    /** The shortest key taken: 32 characters (a generated one has 64 letters and digits, about 380 bits). */
    public static final int MIN_KEY_LENGTH = 32;
    static final int GENERATED_KEY_LENGTH = 64;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public TokenKeys {
        if (previous.isPresent() && previous.get().id() >= current.id()) {
            throw new IllegalArgumentException("the previous key's kid (" + previous.get().id()
                    + ") must be below the current one's (" + current.id() + ")");
        }
    }

    public static TokenKeys of(Key current) {
        return new TokenKeys(current, Optional.empty());
    }

    /** One key and its id. Its material never leaves this class, nor shows in {@link #toString}. */
    public static final class Key {
        private final long id;
        private final String material;
        private final ThreadLocal<Mac> macs;

        public Key(long id, String material) {
            if (id < 1) {
                throw new IllegalArgumentException("a kid is a positive number: " + id);
            }
            if (material == null || material.length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("key " + id + " is shorter than " + MIN_KEY_LENGTH + " characters");
            }
            this.id = id;
            this.material = material;
            SecretKeySpec spec = new SecretKeySpec(material.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            this.macs = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(spec);
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available", e);
                }
            });
        }

        /** A new random key ({@value #GENERATED_KEY_LENGTH} letters and digits). */
        public static Key generate(long id, SecureRandom random) {
            StringBuilder material = new StringBuilder(GENERATED_KEY_LENGTH);
            for (int i = 0; i < GENERATED_KEY_LENGTH; i++) {
                material.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            return new Key(id, material.toString());
        }

        public long id() {
            return id;
        }

        byte[] mac(String signed) {
            return macs.get().doFinal(signed.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.id == id && MessageDigest.isEqual(
                    key.material.getBytes(StandardCharsets.UTF_8), material.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }

        @Override
        public String toString() {
            return "Key[kid=" + id + "]";
        }
    }

    /** The key of {@code kid}, when it is the current or the previous one. */
    public Optional<Key> byId(long kid) {
        if (kid == current.id()) {
            return Optional.of(current);
        }
        return previous.filter(key -> key.id() == kid);
    }

    /** The kid below which keys are rotated out: the previous one's, or the current one's when there is none. */
    public long oldestKid() {
        return previous.map(Key::id).orElse(current.id());
    }

    /** After a rotation: {@code next} (whose kid is one more) signs, and the current key becomes the previous one. */
    public TokenKeys rotatedTo(Key next) {
        if (next.id() != current.id() + 1) {
            throw new IllegalArgumentException("the next key's kid must be " + (current.id() + 1) + ", not " + next.id());
        }
        return new TokenKeys(next, Optional.of(current));
    }

    /** The secret's value (see the class comment). */
    public String toSecretString() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("current_kid", current.id());
        json.put("current_key", current.material);
        previous.ifPresent(key -> {
            json.put("previous_kid", key.id());
            json.put("previous_key", key.material);
        });
        return json.toString();
    }

    /**
     * Reads a secret's value. A kid may be a JSON number or a string of digits.
     *
     * @throws IllegalArgumentException when it is not that shape; the message never quotes the value
     */
    public static TokenKeys parse(String secretString) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(secretString == null ? "" : secretString);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the token keys' secret is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the token keys' secret is not a JSON object");
        }
        Key current = key(json, "current").orElseThrow(() ->
                new IllegalArgumentException("the token keys' secret has no current_kid and current_key"));
        return new TokenKeys(current, key(json, "previous"));
    }

    private static Optional<Key> key(JsonNode json, String which) {
        JsonNode kid = json.get(which + "_kid");
        JsonNode material = json.get(which + "_key");
        if (kid == null && material == null) {
            return Optional.empty();
        }
        if (kid == null || material == null || !material.isTextual() || !(kid.isIntegralNumber() || kid.isTextual())) {
            throw new IllegalArgumentException("the token keys' secret has a malformed " + which + " key");
        }
        long id;
        try {
            id = Long.parseLong(kid.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the token keys' secret has a " + which + "_kid that is not a number");
        }
        return Optional.of(new Key(id, material.asText()));
    }
}
