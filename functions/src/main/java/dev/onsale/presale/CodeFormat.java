package dev.onsale.presale;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What a presale code looks like: 16 characters of base32 (RFC 4648: A-Z, 2-7; 80 random bits), shown in groups of
 * four ({@code ABCD-EFGH-JKLM-NPQR}) and read back with or without the dashes and spaces, in either case. Only
 * {@link #hash} of a code is ever stored: SHA-256 of the event id and the code, so a code is good for its own event
 * only, and 80 bits make working a code back from its hash hopeless.
 */
final class CodeFormat {
    static final int LENGTH = 16;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    /** What the list may show of a code: its last two characters, 10 of its 80 bits. */
    static final int HINT_LENGTH = 2;

    private CodeFormat() {
    }

    /** A new code from {@code random}: a {@link java.security.SecureRandom} made for the request, never one from class init. */
    static String generate(RandomGenerator random) {
        StringBuilder code = new StringBuilder(LENGTH + LENGTH / 4 - 1);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return code.toString();
    }

    /** The code as sent, in its one canonical form (16 characters, upper case), or empty when it cannot be a code. */
    static Optional<String> canonical(String sent) {
        if (sent == null || sent.length() > 64) {
            return Optional.empty();
        }
        StringBuilder code = new StringBuilder(LENGTH);
        for (char c : sent.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ') {
                continue;
            }
            if (!(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7')) {
                return Optional.empty();
            }
            code.append(c);
        }
        return code.length() == LENGTH ? Optional.of(code.toString()) : Optional.empty();
    }

    /** The stored key of a canonical code of an event: hex SHA-256 of {@code "<event id>:<code>"}. */
    static String hash(long eventId, String canonicalCode) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((eventId + ":" + canonicalCode).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String hint(String canonicalCode) {
        return canonicalCode.substring(LENGTH - HINT_LENGTH);
    }
}
