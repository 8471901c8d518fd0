package dev.onsale.loadtest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who takes part in the scalper run and from where: bots packed on a few source addresses (127.0.9.1, ...),
 * fans spread over many (127.1.0.1, ... 250 to a /24), each member with a user id of its own. Linux routes
 * all of 127.0.0.0/8 to lo, and the local gateway takes {@code sourceIp} from the socket's remote address, so
 * each address is a different client to the per-address limits.
 */
final class Crowd {

    enum Side { BOTS, FANS }

    /** One account at one source address. */
    record Member(Side side, int index, String userId, InetAddress address) {}

    static final long BOT_USERS_FROM = 6_000_000;
    static final long FAN_USERS_FROM = 7_000_000;
    static final int MAX_BOT_ADDRESSES = 250;
    static final int MAX_FAN_ADDRESSES = 250 * 250;

    private Crowd() {}

    /** {@code count} bots, member i on the (i mod {@code addresses})-th bot address. */
    static List<Member> bots(int count, int addresses) {
        if (addresses < 1 || addresses > MAX_BOT_ADDRESSES) {
            throw new IllegalArgumentException("bots fit on 1 to " + MAX_BOT_ADDRESSES + " addresses, not " + addresses);
        }
        List<Member> bots = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bots.add(new Member(Side.BOTS, i, String.valueOf(BOT_USERS_FROM + i), botAddress(i % addresses)));
        }
        return bots;
    }

    /** {@code count} fans, member i on the (i mod {@code addresses})-th fan address. */
    static List<Member> fans(int count, int addresses) {
        if (addresses < 1 || addresses > MAX_FAN_ADDRESSES) {
            throw new IllegalArgumentException("fans fit on 1 to " + MAX_FAN_ADDRESSES + " addresses, not " + addresses);
        }
        List<Member> fans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fans.add(new Member(Side.FANS, i, String.valueOf(FAN_USERS_FROM + i), fanAddress(i % addresses)));
        }
        return fans;
    }

    /** 127.0.9.1 for the first bot address, 127.0.9.2 for the second, ... */
    static InetAddress botAddress(int i) {
        return OnSaleMix.loopback(0, 9, i + 1);
    }

    /** 127.1.0.1 ... 127.1.0.250, 127.1.1.1, ... */
    static InetAddress fanAddress(int i) {
        return OnSaleMix.loopback(1, i / 250, i % 250 + 1);
    }
}
