package dev.onsale.waitingroom;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The seed of a room's pre-queue lottery: 128 bits from a secure source, drawn when the pre-queue is set up (never at
 * class initialization, which SnapStart would copy into every restored instance). Each pre-queued fan's lottery key is
 * the first 52 bits of SHA-1("seed:ticket"), computed in {@code room.lua}: with the seed, anyone can recompute the order.
 */
final class LotterySeed {
    private LotterySeed() {
    }

    static String draw() {
        byte[] seed = new byte[16];
        new SecureRandom().nextBytes(seed);
        return HexFormat.of().formatHex(seed);
    }
}
