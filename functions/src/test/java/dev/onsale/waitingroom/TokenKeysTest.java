package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The secret's value and the ring that reads it. */
class TokenKeysTest {
    private static final String KEY_1 = "a".repeat(64);
    private static final String KEY_2 = "b".repeat(64);

    @Test
    void theValueCloudFormationGeneratesIsKidOneWithNoPrevious() {
        TokenKeys keys = TokenKeys.parse("{\"current_kid\":1,\"current_key\":\"" + KEY_1 + "\"}");
        assertEquals(1, keys.current().id());
        assertEquals(Optional.empty(), keys.previous());
        assertEquals(1, keys.oldestKid());
    }

    @Test
    void aRotatedValueReadsBackAsItWasWritten() {
        TokenKeys keys = TokenKeys.parse("{\"current_kid\":\"1\",\"current_key\":\"" + KEY_1 + "\"}")
                .rotatedTo(new TokenKeys.Key(2, KEY_2));
        TokenKeys read = TokenKeys.parse(keys.toSecretString());
        assertEquals(keys, read);
        assertEquals(2, read.current().id());
        assertEquals(Optional.of(new TokenKeys.Key(1, KEY_1)), read.previous());
        assertTrue(read.toSecretString().contains("\"previous_kid\":1"), read.toSecretString());
    }

    @Test
    void aMalformedValueIsRefusedWithoutQuotingIt() {
        for (String value : new String[] {null, "", "not json", "[]", "{}", "{\"current_kid\":1}",
                "{\"current_kid\":\"x\",\"current_key\":\"" + KEY_1 + "\"}", "{\"current_kid\":1,\"current_key\":\"short\"}",
                "{\"current_kid\":1,\"current_key\":\"" + KEY_1 + "\",\"previous_kid\":1,\"previous_key\":\"" + KEY_2 + "\"}"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TokenKeys.parse(value), value);
            assertFalse(refused.getMessage().contains("aaaa") || refused.getMessage().contains("bbbb"), refused.getMessage());
        }
    }

    @Test
    void keysAreNotPrinted() {
        TokenKeys keys = TokenKeys.of(new TokenKeys.Key(1, KEY_1)).rotatedTo(TokenKeys.Key.generate(2, new SecureRandom()));
        assertFalse(keys.toString().contains(KEY_1), keys.toString());
    }

    @Test
    void theRingReadsAgainInTheBackgroundOnceItsKeysAreOlderThanTheRefreshAge() throws InterruptedException {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2027-06-01T18:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        AtomicReference<TokenKeys> secret = new AtomicReference<>(TokenKeys.of(new TokenKeys.Key(1, KEY_1)));
        TokenKeyRing ring = new TokenKeyRing(secret::get, clock, Duration.ofMinutes(5));
        assertEquals(1, ring.keys().current().id());

        secret.set(secret.get().rotatedTo(new TokenKeys.Key(2, KEY_2)));
        now.set(now.get().plus(Duration.ofMinutes(4)));
        assertEquals(1, ring.keys().current().id(), "younger than the refresh age: no read");

        now.set(now.get().plus(Duration.ofMinutes(2)));
        ring.keys(); // starts the read
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ring.keys().current().id() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, ring.keys().current().id(), "the rotation reached the warm ring");
    }

    @Test
    void aFailedReadKeepsTheKeysThereAre() {
        AtomicInteger reads = new AtomicInteger();
        TokenKeyRing ring = new TokenKeyRing(() -> {
            if (reads.incrementAndGet() > 1) {
                throw new IllegalStateException("Secrets Manager is unreachable");
            }
            return TokenKeys.of(new TokenKeys.Key(1, KEY_1));
        }, Clock.systemUTC(), Duration.ofMinutes(5));
        assertEquals(1, ring.keys().current().id());
        ring.reload(); // fails, logged
        assertEquals(2, reads.get());
        assertEquals(1, ring.keys().current().id());
    }

    @Test
    void withoutKeysARequestFailsWithTheReadsFailure() {
        TokenKeyRing ring = new TokenKeyRing(() -> {
            throw new IllegalStateException("AccessDenied");
        }, Clock.systemUTC(), Duration.ofMinutes(5));
        assertEquals("AccessDenied", assertThrows(IllegalStateException.class, ring::keys).getMessage());
    }

    @Test
    void theRotationRuleIsTheLongestTokenLifetimePlusTheRefreshAge() {
        assertEquals(Duration.ofHours(24).plusMinutes(5), TokenKeyRotation.safeInterval(Duration.ofHours(24), Duration.ofMinutes(5)));
    }
}
