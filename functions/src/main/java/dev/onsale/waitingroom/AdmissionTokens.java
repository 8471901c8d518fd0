package dev.onsale.waitingroom;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Waiting-room tokens: {@code wr3.<kid>.<payload>.<HMAC-SHA256>}, base64url. The payload binds a token to its
 * kind, event, user, ticket, line number and expiry, so checking one needs no Redis and no DynamoDB, and a token
 * for another user or event, a forged or an expired one is refused. The line number lets a status poll say where
 * the fan stands from the room's door alone ({@link WaitingRoomService#status}); it is 0 for a pre-queued place not
 * drawn yet. Tokens of the previous format ({@code wr2.}, without it) still verify, their line number being their
 * ticket, as it was then.
 *
 * <p>The kid names the key that signed it ({@link TokenKeys}): the current key signs, the current and the previous one
 * verify, and a token of a key rotated out since is refused as such. The keys come from their secret
 * ({@link TokenKeyRing}), never from a random source at class initialization: SnapStart would copy that state into
 * every restored instance. Tokens of the first format ({@code wr1.}, before keys had ids) are refused: the key that
 * signed them was a template parameter, which no longer exists.
 */
public final class AdmissionTokens {
    private static final String VERSION = "wr3";
    private static final String PREVIOUS_VERSION = "wr2";
    private static final String FIRST_VERSION = "wr1.";
    private static final int MAX_TOKEN_LENGTH = 2048;
    private static final int MAX_KID_DIGITS = 18;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final TokenKeyRing keys;
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

    /** What a token says: {@code line} is the place's line number (0: not drawn yet; an access token: its ticket). */
    public record Claims(Kind kind, long eventId, String userId, long ticket, long line, Instant expiresAt) {
        /** A token whose line number is its ticket (an access token, or a place outside the pre-queue). */
        public Claims(Kind kind, long eventId, String userId, long ticket, Instant expiresAt) {
            this(kind, eventId, userId, ticket, ticket, expiresAt);
        }
    }

    /** A token checked against what the request expects. */
    public sealed interface Verification {
        record Valid(Claims claims) implements Verification {
        }

        /** {@code reason} is safe to show to the caller. */
        record Invalid(String reason) implements Verification {
        }
    }

    public AdmissionTokens(TokenKeyRing keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** With keys that never change (tests, benchmarks). */
    public AdmissionTokens(TokenKeys keys, Clock clock) {
        this(TokenKeyRing.fixed(keys), clock);
    }

    public String issue(Claims claims) {
        String payload = claims.kind().code + "|" + claims.eventId() + "|" + claims.ticket() + "|" + claims.line() + "|"
                + claims.expiresAt().getEpochSecond() + "|" + claims.userId();
        TokenKeys.Key key = keys.keys().current();
        String signed = VERSION + "." + key.id() + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(key.mac(signed));
    }

    /**
     * Checks a token's key and signature, then that it is of {@code kind}, for {@code eventId}, for {@code userId}
     * (when the request names a user) and not expired.
     */
    public Verification verify(String token, Kind kind, long eventId, Optional<String> userId) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return new Verification.Invalid("the token is missing or malformed");
        }
        if (token.startsWith(FIRST_VERSION)) {
            return new Verification.Invalid("the token is of a format no longer accepted");
        }
        String[] parts = token.split("\\.", -1);
        boolean previous = parts[0].equals(PREVIOUS_VERSION);
        if (parts.length != 4 || !(parts[0].equals(VERSION) || previous) || !isKid(parts[1])) {
            return new Verification.Invalid("the token is malformed");
        }
        long kid = Long.parseLong(parts[1]);
        TokenKeys known = keys.keys();
        Optional<TokenKeys.Key> key = known.byId(kid);
        if (key.isEmpty() && kid > known.current().id()) {
            known = keys.keysKnowing(kid);
            key = known.byId(kid);
        }
        if (key.isEmpty()) {
            return new Verification.Invalid(kid < known.oldestKid()
                    ? "the token was signed with a key that has since been rotated out"
                    : "the token names a signing key that does not exist");
        }
        String signed = token.substring(0, token.lastIndexOf('.'));
        byte[] signature;
        byte[] payloadBytes;
        try {
            signature = B64_DECODE.decode(parts[3]);
            payloadBytes = B64_DECODE.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return new Verification.Invalid("the token is malformed");
        }
        if (!MessageDigest.isEqual(key.get().mac(signed), signature)) {
            return new Verification.Invalid("the token's signature is not valid");
        }
        // signed by us: the payload is well formed unless the format changed
        // the user id comes last: it may hold the separator (e.g. "auth0|123")
        int count = previous ? 5 : 6;
        String[] fields = new String(payloadBytes, StandardCharsets.UTF_8).split("\\|", count);
        if (fields.length != count) {
            return new Verification.Invalid("the token is malformed");
        }
        Claims claims;
        try {
            long ticket = Long.parseLong(fields[2]);
            claims = new Claims(Kind.of(fields[0]).orElseThrow(IllegalArgumentException::new), Long.parseLong(fields[1]),
                    fields[count - 1], ticket, previous ? ticket : Long.parseLong(fields[3]),
                    Instant.ofEpochSecond(Long.parseLong(fields[count - 2])));
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

    /** The id of the key that signed {@code token}, when it is a token of this format (for logs and tests: not verified). */
    public static Optional<Long> kidOf(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        return parts.length == 4 && (parts[0].equals(VERSION) || parts[0].equals(PREVIOUS_VERSION)) && isKid(parts[1]) ? Optional.of(Long.parseLong(parts[1])) : Optional.empty();
    }

    private static boolean isKid(String text) {
        return !text.isEmpty() && text.length() <= MAX_KID_DIGITS && text.chars().allMatch(c -> c >= '0' && c <= '9')
                && text.charAt(0) != '0';
    }
}
