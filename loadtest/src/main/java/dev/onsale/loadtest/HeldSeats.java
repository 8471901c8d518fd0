package dev.onsale.loadtest;

import java.net.InetAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What the scalper run's actors hold and have bought, from the API's own answers: a 201 hold adds its seats
 * until it is confirmed (then they are sold), cancelled, or its {@code expires_at} passes. Keeps the peak of
 * live held seats per side and per source address. Every change is one call, under one lock: holds come at
 * tens a second, not thousands.
 */
final class HeldSeats {

    private record Hold(Crowd.Side side, InetAddress address, int seats, Instant expiresAt) {}

    private final Map<Long, Hold> live = new HashMap<>();
    private final Map<Crowd.Side, Integer> held = new EnumMap<>(Crowd.Side.class);
    private final Map<Crowd.Side, Integer> peak = new EnumMap<>(Crowd.Side.class);
    private final Map<Crowd.Side, Integer> sold = new EnumMap<>(Crowd.Side.class);
    private final Map<InetAddress, Integer> heldAt = new HashMap<>();
    private final Map<InetAddress, Integer> peakAt = new HashMap<>();
    private final Map<InetAddress, Crowd.Side> sideOf = new HashMap<>();

    HeldSeats() {
        for (Crowd.Side side : Crowd.Side.values()) {
            held.put(side, 0);
            peak.put(side, 0);
            sold.put(side, 0);
        }
    }

    /** A hold was granted (201). */
    synchronized void held(long bookingId, Crowd.Side side, InetAddress address, int seats, Instant expiresAt) {
        if (live.putIfAbsent(bookingId, new Hold(side, address, seats, expiresAt)) != null) {
            return; // a replayed answer: counted once
        }
        held.merge(side, seats, Integer::sum);
        peak.merge(side, held.get(side), Math::max);
        heldAt.merge(address, seats, Integer::sum);
        peakAt.merge(address, heldAt.get(address), Math::max);
        sideOf.put(address, side);
    }

    /** A hold was paid for (200): its seats are sold. Unknown or already ended holds change nothing. */
    synchronized void confirmed(long bookingId) {
        Hold hold = end(bookingId);
        if (hold != null) {
            sold.merge(hold.side(), hold.seats(), Integer::sum);
        }
    }

    /** A hold was given back (200 to a cancel). */
    synchronized void cancelled(long bookingId) {
        end(bookingId);
    }

    /** Ends every hold whose {@code expires_at} is not after {@code now}: the API no longer keeps its seats. */
    synchronized void expire(Instant now) {
        live.entrySet().removeIf(entry -> {
            Hold hold = entry.getValue();
            if (hold.expiresAt().isAfter(now)) {
                return false;
            }
            release(hold);
            return true;
        });
    }

    private Hold end(long bookingId) {
        Hold hold = live.remove(bookingId);
        if (hold != null) {
            release(hold);
        }
        return hold;
    }

    private void release(Hold hold) {
        held.merge(hold.side(), -hold.seats(), Integer::sum);
        heldAt.merge(hold.address(), -hold.seats(), Integer::sum);
    }

    synchronized int held(Crowd.Side side) {
        return held.get(side);
    }

    synchronized int peakHeld(Crowd.Side side) {
        return peak.get(side);
    }

    synchronized int sold(Crowd.Side side) {
        return sold.get(side);
    }

    synchronized int soldTotal() {
        return sold.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The peak of live held seats of every address of {@code side} that ever held a seat. */
    synchronized Map<InetAddress, Integer> peakByAddress(Crowd.Side side) {
        Map<InetAddress, Integer> peaks = new HashMap<>();
        peakAt.forEach((address, seats) -> {
            if (sideOf.get(address) == side) {
                peaks.put(address, seats);
            }
        });
        return peaks;
    }
}
