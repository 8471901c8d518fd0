package dev.onsale.waitingroom;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Waiting-room tokens: {@code wr1.<payload>.<HMAC-SHA256>}, base64url. The payload binds a token to its
 * kind, event, user, ticket and expiry, so checking one needs no Redis and no DynamoDB, and a token
 * for another user or event, a forged or an expired one is refused.
 *
 * <p>The secret comes from the environment ({@code WAITING_ROOM_SECRET}), never from a random source at
 * class initialization: SnapStart would copy that state into every restored instance.
 */
public final class AdmissionTokens {
    static final int MIN_SECRET_LENGTH = 32;
    private static final String VERSION = "wr1";
    private static final int MAX_TOKEN_LENGTH = 2048;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final ThreadLocal<Mac> macs;
    private final Clock clock;

    /** A queue token lets its holder check on a place; an access token lets them through the guarded routes. */
    public enum Kind {
        QUEUE("q"), ACCESS("a");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        static Optional<Kind> of(String code) {
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** What a token says. */
    public record Claims(Kind kind, long eventId, String userId, long ticket, Instant expiresAt) {
    }

    /** A token checked against what the request expects. */
    public sealed interface Verification {
        record Valid(Claims claims) implements Verification {
        }

        /** {@code reason} is safe to show to the caller. */
        record Invalid(String reason) implements Verification {
        }
    }

    public AdmissionTokens(String secret, Clock clock) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("WAITING_ROOM_SECRET must be set to at least " + MIN_SECRET_LENGTH + " characters");
        }
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        this.clock = clock;
    }

    public String issue(Claims claims) {
        String payload = claims.kind().code + "|" + claims.eventId() + "|" + claims.ticket() + "|"
                + claims.expiresAt().getEpochSecond() + "|" + claims.userId();
        String signed = VERSION + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(mac(signed));
    }

    /**
     * Checks a token's signature, then that it is of {@code kind}, for {@code eventId}, for {@code userId}
     * (when the request names a user) and not expired.
     */
    public Verification verify(String token, Kind kind, long eventId, Optional<String> userId) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return new Verification.Invalid("the token is missing or malformed");
        }
        int lastDot = token.lastIndexOf('.');
        if (!token.startsWith(VERSION + ".") || lastDot <= VERSION.length()) {
            return new Verification.Invalid("the token is malformed");
        }
        String signed = token.substring(0, lastDot);
        byte[] signature;
        byte[] payloadBytes;
        try {
            signature = B64_DECODE.decode(token.substring(lastDot + 1));
            payloadBytes = B64_DECODE.decode(signed.substring(VERSION.length() + 1));
        } catch (IllegalArgumentException e) {
            return new Verification.Invalid("the token is malformed");
        }
        if (!MessageDigest.isEqual(mac(signed), signature)) {
            return new Verification.Invalid("the token's signature is not valid");
        }
        // signed by us: the payload is well formed unless the format changed
        String[] fields = new String(payloadBytes, StandardCharsets.UTF_8).split("\\|", 5);
        if (fields.length != 5) {
            return new Verification.Invalid("the token is malformed");
        }
        Claims claims;
        try {
            claims = new Claims(Kind.of(fields[0]).orElseThrow(IllegalArgumentException::new), Long.parseLong(fields[1]),
                    fields[4], Long.parseLong(fields[2]), Instant.ofEpochSecond(Long.parseLong(fields[3])));
        } catch (IllegalArgumentException e) {
            return new Verification.Invalid("the token is malformed");
        }
        if (claims.kind() != kind) {
            return new Verification.Invalid(kind == Kind.ACCESS
                    ? "this is a queue token; present the access token the status answered once admitted"
                    : "this is an access token; check the queue with the token joining answered");
        }
        if (claims.eventId() != eventId) {
            return new Verification.Invalid("the token is for another event");
        }
        if (userId.isPresent() && !userId.get().equals(claims.userId())) {
            return new Verification.Invalid("the token is for another user");
        }
        if (!clock.instant().isBefore(claims.expiresAt())) {
            return new Verification.Invalid("the token has expired");
        }
        return new Verification.Valid(claims);
    }

    private byte[] mac(String signed) {
        return macs.get().doFinal(signed.getBytes(StandardCharsets.UTF_8));
    }
}
