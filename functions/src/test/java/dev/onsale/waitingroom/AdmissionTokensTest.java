package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AdmissionTokensTest {
    private static final Instant NOW = Instant.parse("2027-06-01T18:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TokenKeys.Key KID_1 = new TokenKeys.Key(1, "test-secret-test-secret-test-secret-0001");
    private static final TokenKeys.Key KID_2 = new TokenKeys.Key(2, "test-secret-test-secret-test-secret-0002");
    private static final TokenKeys.Key KID_3 = new TokenKeys.Key(3, "test-secret-test-secret-test-secret-0003");
    private final AdmissionTokens tokens = new AdmissionTokens(TokenKeys.of(KID_1), CLOCK);

    private static String access(AdmissionTokens tokens, long eventId, String user, Instant expires) {
        return tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.ACCESS, eventId, user, 7, expires));
    }

    private String access(long eventId, String user, Instant expires) {
        return access(tokens, eventId, user, expires);
    }

    private static AdmissionTokens.Verification verify(AdmissionTokens tokens, String token) {
        return tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-1"));
    }

    private static String reason(AdmissionTokens.Verification verification) {
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
    void aQueueTokenCarriesItsLineNumberAndAUserIdMayHoldTheSeparator() {
        String token = tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, 42, "auth0|user-1", 7, 0, NOW.plusSeconds(300)));
        var valid = assertInstanceOf(AdmissionTokens.Verification.Valid.class,
                tokens.verify(token, AdmissionTokens.Kind.QUEUE, 42, Optional.of("auth0|user-1")));
        assertEquals(0, valid.claims().line(), "a pre-queued place not drawn yet");
        assertEquals(7, valid.claims().ticket());
    }

    @Test
    void aTokenOfThePreviousFormatStillVerifiesItsLineNumberBeingItsTicket() {
        // wr2: kind|event|ticket|expiry|user, signed the same way
        String payload = "q|42|9|" + NOW.plusSeconds(300).getEpochSecond() + "|user-1";
        String signed = "wr2.1." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String token = signed + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(KID_1.mac(signed));
        var valid = assertInstanceOf(AdmissionTokens.Verification.Valid.class,
                tokens.verify(token, AdmissionTokens.Kind.QUEUE, 42, Optional.of("user-1")));
        assertEquals(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, 42, "user-1", 9, 9, NOW.plusSeconds(300)), valid.claims());
    }

    @Test
    void aTokenNamesTheKeyThatSignedIt() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        assertTrue(token.startsWith("wr3.1."), token);
        assertEquals(Optional.of(1L), AdmissionTokens.kidOf(token));
        AdmissionTokens rotated = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2), CLOCK);
        assertEquals(Optional.of(2L), AdmissionTokens.kidOf(access(rotated, 42, "user-1", NOW.plusSeconds(300))));
    }

    @Test
    void theSameClaimsGiveTheSameToken() {
        assertEquals(access(42, "user-1", NOW.plusSeconds(300)), access(42, "user-1", NOW.plusSeconds(300)));
    }

    @Test
    void aTokenOfThePreviousKeyStillVerifiesAfterARotation() {
        String before = access(42, "user-1", NOW.plusSeconds(300));
        AdmissionTokens rotated = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2), CLOCK);
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, verify(rotated, before));
        String after = access(rotated, 42, "user-1", NOW.plusSeconds(300));
        assertNotEquals(before, after, "the current key signs");
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, verify(rotated, after));
    }

    @Test
    void aTokenOfThePreviousKeyStillExpires() {
        String before = access(42, "user-1", NOW.plusSeconds(300));
        AdmissionTokens rotatedLater = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2),
                Clock.fixed(NOW.plusSeconds(301), ZoneOffset.UTC));
        assertEquals("the token has expired", reason(verify(rotatedLater, before)));
    }

    @Test
    void aTokenOfAKeyRotatedOutIsRefusedAsSuch() {
        String first = access(42, "user-1", NOW.plusSeconds(300));
        AdmissionTokens twiceRotated = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2).rotatedTo(KID_3), CLOCK);
        assertEquals("the token was signed with a key that has since been rotated out", reason(verify(twiceRotated, first)));
    }

    @Test
    void aTokenNamingAKeyThatWasNeverIssuedIsRefused() {
        AdmissionTokens rotated = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2), CLOCK);
        String[] parts = access(rotated, 42, "user-1", NOW.plusSeconds(300)).split("\\.");
        String newer = parts[0] + ".9." + parts[2] + "." + parts[3];
        assertEquals("the token names a signing key that does not exist", reason(verify(rotated, newer)));
    }

    @Test
    void aTokenWhoseKidWasChangedIsRefused() {
        // signed by the current key (kid 2), relabelled as the previous one (kid 1): the kid is signed too
        AdmissionTokens rotated = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2), CLOCK);
        String[] parts = access(rotated, 42, "user-1", NOW.plusSeconds(300)).split("\\.");
        String relabelled = parts[0] + ".1." + parts[2] + "." + parts[3];
        assertEquals("the token's signature is not valid", reason(verify(rotated, relabelled)));
    }

    @Test
    void aTokenOfANewerKeyMakesTheVerifierReadItsKeysAgain() {
        // a function that read the rotation first signed it; this one still knows kid 1 only
        AdmissionTokens signer = new AdmissionTokens(TokenKeys.of(KID_1).rotatedTo(KID_2), CLOCK);
        String newer = access(signer, 42, "user-1", NOW.plusSeconds(300));
        AtomicReference<TokenKeys> secret = new AtomicReference<>(TokenKeys.of(KID_1));
        AtomicInteger reads = new AtomicInteger();
        TokenKeyRing ring = new TokenKeyRing(() -> {
            reads.incrementAndGet();
            return secret.get();
        }, CLOCK, Duration.ofMinutes(5));
        AdmissionTokens verifier = new AdmissionTokens(ring, CLOCK);
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, verify(verifier, access(verifier, 42, "user-1", NOW.plusSeconds(300))));
        assertEquals(1, reads.get());

        secret.set(TokenKeys.of(KID_1).rotatedTo(KID_2));
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, verify(verifier, newer));
        assertEquals(2, reads.get(), "one read, for the kid it did not know");
    }

    @Test
    void forgedKidsMakeAtMostOneReadPerInterval() {
        AtomicInteger reads = new AtomicInteger();
        TokenKeyRing ring = new TokenKeyRing(() -> {
            reads.incrementAndGet();
            return TokenKeys.of(KID_1);
        }, CLOCK, Duration.ofMinutes(5));
        AdmissionTokens verifier = new AdmissionTokens(ring, CLOCK);
        String[] parts = access(42, "user-1", NOW.plusSeconds(300)).split("\\.");
        for (int kid = 2; kid < 50; kid++) {
            assertEquals("the token names a signing key that does not exist",
                    reason(verify(verifier, parts[0] + "." + kid + "." + parts[2] + "." + parts[3])));
        }
        assertTrue(reads.get() <= 2, "the first read and at most one more in the same instant: " + reads.get());
    }

    @Test
    void aTokenOfTheFirstFormatIsRefusedAsSuch() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString("a|42|7|1900000000|user-1".getBytes(StandardCharsets.UTF_8));
        assertEquals("the token is of a format no longer accepted", reason(verify(tokens, "wr1." + payload + ".c2lnbmF0dXJl")));
    }

    @Test
    void aForgedSignatureIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        char last = token.charAt(token.length() - 2);
        String forged = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertTrue(reason(verify(tokens, forged)).contains("signature"));
    }

    @Test
    void aRewrittenPayloadIsRefused() {
        String token = access(42, "user-1", NOW.plusSeconds(300));
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8).replace("user-1", "user-2");
        String rewritten = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[3];
        assertTrue(reason(tokens.verify(rewritten, AdmissionTokens.Kind.ACCESS, 42, Optional.of("user-2"))).contains("signature"));
    }

    @Test
    void aTokenSignedWithAnotherKeyOfTheSameKidIsRefused() {
        AdmissionTokens other = new AdmissionTokens(TokenKeys.of(new TokenKeys.Key(1, "another-secret-another-secret-another-1")), CLOCK);
        assertTrue(reason(verify(tokens, access(other, 42, "user-1", NOW.plusSeconds(300)))).contains("signature"));
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
        assertEquals("the token has expired", reason(verify(tokens, access(42, "user-1", NOW))));
        AdmissionTokens later = new AdmissionTokens(TokenKeys.of(KID_1), Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertEquals("the token has expired", reason(verify(later, access(42, "user-1", NOW.plusSeconds(300)))));
    }

    @Test
    void aQueueTokenDoesNotOpenTheGuardedRoutes() {
        String queue = tokens.issue(new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, 42, "user-1", 7, NOW.plusSeconds(300)));
        assertTrue(reason(verify(tokens, queue)).contains("queue token"));
    }

    @Test
    void aUserIdWithTheSeparatorStaysOneUser() {
        String token = access(42, "a|b|c", NOW.plusSeconds(300));
        assertInstanceOf(AdmissionTokens.Verification.Valid.class, tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("a|b|c")));
        assertEquals("the token is for another user", reason(tokens.verify(token, AdmissionTokens.Kind.ACCESS, 42, Optional.of("a"))));
    }

    @Test
    void garbageIsMalformedNotAnError() {
        for (String garbage : new String[] {"", "x", "wr1.", "wr1..", "wr1.!!!.???", "wr2.abc.def", "wr2.1.def", "wr2..x.y",
                "wr2.01.x.y", "wr2.-1.x.y", "wr2.99999999999999999999.x.y", "wr2.1.!!!.???", "wr2.1.x.y.z", "a".repeat(5000)}) {
            assertInstanceOf(AdmissionTokens.Verification.Invalid.class, tokens.verify(garbage, AdmissionTokens.Kind.ACCESS, 42, Optional.empty()), garbage);
        }
        assertInstanceOf(AdmissionTokens.Verification.Invalid.class, tokens.verify(null, AdmissionTokens.Kind.ACCESS, 42, Optional.empty()));
    }

    @Test
    void aShortKeyOrKidBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenKeys.Key(1, "short"));
        assertThrows(IllegalArgumentException.class, () -> new TokenKeys.Key(1, null));
        assertThrows(IllegalArgumentException.class, () -> new TokenKeys.Key(0, "s".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> TokenKeys.of(KID_2).rotatedTo(KID_2), "a rotation's kid is one more");
    }

    @Test
    void aGeneratedKeyIsLongAndRandom() {
        SecureRandom random = new SecureRandom();
        TokenKeys.Key one = TokenKeys.Key.generate(5, random);
        TokenKeys.Key two = TokenKeys.Key.generate(5, random);
        assertEquals(5, one.id());
        assertNotEquals(one, two);
        assertEquals("Key[kid=5]", one.toString(), "a key never prints its material");
    }
}
