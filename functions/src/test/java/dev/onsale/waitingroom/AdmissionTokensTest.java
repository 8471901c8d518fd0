package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdmissionTokensTest {
    private static final String SECRET = "test-secret-test-secret-test-secret-0123";
    private static final Instant NOW = Instant.parse("2027-06-01T18:00:00Z");
    private final AdmissionTokens tokens = new AdmissionTokens(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    private String access(long eventId, String user, Instant expires) {
        return tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, eventId, user, 7, expires));
    }

    private String reason(AdmissionTokens.Verification verification) {
        return assertInstanceOf(AdmissionTokens.Verification.Invalid.class, verification).reason();
    }

    @Test
    void aTokenVerifiesForItsKindEventAndUser() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        var valid = assertInstanceOf(AdmissionTokens.Verification.Valid.class,
                tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1")));
        assertEquals(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, 42, "user-1", 7, NOW.plusSeconds(300)), valid.claims());
    }

    @Test
    void theSameClaimsGiveTheSameToken() {
        assertEquals(access(42, "user-1", NOW.plusSeconds(300)), access(42, "user-1", NOW.plusSeconds(300)));
    }

    @Test
    void aForgedSignatureIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        char last = token.charAt(token.length() - 2);
        String forged = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertTrue(reason(tokens.verify(forged, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"))).contains("signature"));
    }

    @Test
    void aRewrittenPayloadIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("user-1", "user-2");
        String rewritten = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertTrue(reason(tokens.verify(rewritten, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-2"))).contains("signature"));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        AdmissionTokens other = new AdmissionTokens("another-secret-another-secret-another-1", Clock.fixed(NOW, ZoneOffset.UTC));
        String token = other.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, 42, "user-1", 7, NOW.plusSeconds(300)));
        assertTrue(reason(tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"))).contains("signature"));
    }

    @Test
    void anotherUsersTokenIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        assertEquals("the token is for another user", reason(tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-2"))));
    }

    @Test
    void anotherEventsTokenIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        assertEquals("the token is for another event", reason(tokens.verify(token, AdmissionTokens.Kind.ACCESS, 43, Optional.of("user-1"))));
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertEquals("the token has expired", reason(tokens.verify(access(42, "user-1", NOW),
                AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"))));
        AdmissionTokens later = new AdmissionTokens(SECRET, Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertEquals("the token has expired", reason(later.verify(access(42, "user-1", NOW.plusSeconds(300)),
                AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"))));
    }

    @Test
    void aQueueTokenDoesNotOpenTheGuardedRoutes() {
        String queue = tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, 42, "user-1", 7, NOW.plusSeconds(300)));
        assertTrue(reason(tokens.verify(queue, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"))).contains("queue token"));
    }

    @Test
    void aUserIdWithTheSeparatorStaysOneUser() {
        String token = access(42, "a|b|c", NOW.plusSeconds(300));
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("a|b|c")));
        assertEquals("the token is for another user", reason(tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("a"))));
    }

    @Test
    void garbageIsMalformedNotAnError() {
        for (String garbage : new String[] {"", "x", "wr1.", "wr1..", "wr1.!!!.???", "wr2.abc.def", "a".repeat(5000)}) {
            assertInstanceOf(AdmissionTokens.Verification.Invalid.class, tokens.verify(garbage, AdmissionTokens.Kind.ACCESS, 42, Optional.empty()), garbage);
        }
        assertInstanceOf(AdmissionTokens.Verification.Invalid.class, tokens.verify(null, AdmissionTokens.Kind.ACCESS, 42, Optional.empty()));
    }

    @Test
    void aShortOrMissingSecretIsRefusedAtStart() {
        assertThrows(IllegalStateException.class, () -> new AdmissionTokens("short", Clock.systemUTC()));
        assertThrows(IllegalStateException.class, () -> new AdmissionTokens(null, Clock.systemUTC()));
    }
}
