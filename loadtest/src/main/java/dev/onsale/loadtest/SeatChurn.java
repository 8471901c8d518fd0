package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Seats changing under the readers: holds started at a fixed rate (open loop, each on its own virtual thread),
 * each by a new buyer (so no buyer nears the booking limit of 10 a minute, 2 live holds, or the pace rule) on
 * one of the fans' addresses, of 1-4 seats the latest map shows available; 1-1.5 s after a hold, its buyer
 * confirms it (60%) or cancels it (40%). The probe is told of every hold and sale to look for.
 */
final class SeatChurn {

    static final long BUYERS_FROM = OnSaleMix.BUYERS_FROM;
    private static final double CONFIRMED = 0.6;
    /** Tries at random seats before a hold gives up finding one available (a sold-out event). */
    private static final int PICK_TRIES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpConnections http;
    private final RouteStats stats;
    private final FreshnessProbe probe;
    private final long eventId;
    private final int seats;
    private final InetAddress[] addresses;
    private final OnSaleMix.Window window;
    /** Seats one of this run's holds has, or is asking for: not offered to another hold until given back. */
    private final AtomicIntegerArray claimed;
    private final AtomicLong nextBuyer = new AtomicLong(BUYERS_FROM);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong noSeats = new AtomicLong();

    SeatChurn(HttpConnections http, RouteStats stats, FreshnessProbe probe, long eventId, int seats,
              InetAddress[] addresses, OnSaleMix.Window window) {
        this.http = http;
        this.stats = stats;
        this.probe = probe;
        this.eventId = eventId;
        this.seats = seats;
        this.addresses = addresses;
        this.window = window;
        this.claimed = new AtomicIntegerArray(seats + 1);
    }

    /** Starts {@code holdsPerSecond} holds a second from {@code startNanos} until the window ends; returns then. */
    void run(int holdsPerSecond, long startNanos, int maxInFlight) {
        double intervalNanos = 1e9 / holdsPerSecond;
        long started = 0;
        long now;
        while ((now = System.nanoTime()) < window.endNanos()) {
            long due = (long) ((now - startNanos) / intervalNanos);
            for (; started <= due; started++) {
                long dueNanos = startNanos + (long) (started * intervalNanos);
                if (inFlight.get() >= maxInFlight) {
                    skipped.incrementAndGet();
                    continue;
                }
                inFlight.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        holdThenDecide(dueNanos);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            }
            LockSupport.parkNanos(Math.min(1_000_000, (long) intervalNanos));
        }
    }

    /** Waits until every hold started has been confirmed or cancelled (at most {@code timeoutNanos}). */
    boolean awaitDrained(long timeoutNanos) throws InterruptedException {
        long until = System.nanoTime() + timeoutNanos;
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return inFlight.get() == 0;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Holds not started: too many outstanding (over --max-in-flight). */
    long skipped() {
        return skipped.get();
    }

    /** Holds not started: no available seat found (the event sold out, or nearly). */
    long noSeats() {
        return noSeats.get();
    }

    private void holdThenDecide(long dueNanos) {
        int[] seatIds = pick(ThreadLocalRandom.current().nextInt(1, 5));
        if (seatIds == null) {
            noSeats.incrementAndGet();
            return;
        }
        long buyer = nextBuyer.getAndIncrement();
        InetAddress from = addresses[(int) (buyer % addresses.length)];
        StringBuilder body = new StringBuilder("{\"event_id\":").append(eventId).append(",\"seat_ids\":[");
        for (int i = 0; i < seatIds.length; i++) {
            body.append(i == 0 ? "" : ",").append(seatIds[i]);
        }
        body.append("]}");
        // a hold due in the measured window counts with all that follows from it, however late (an overloaded stack)
        boolean measured = window.contains(dueNanos);
        HttpConnections.Response held = stats.timed(http, Route.HOLD, dueNanos, measured, from, "POST",
                "/api/v1/bookings?user_id=" + buyer, body.toString(), "X-Idempotency-Key: stadium-" + eventId + "-hold-" + buyer);
        long bookingId = held != null && held.status() == 201 ? bookingId(held) : 0;
        if (bookingId == 0) {
            release(seatIds); // refused (409: one was taken meanwhile) or failed: nothing of it to give back
            return;
        }
        FreshnessProbe.Watch hold = probe.watch(FreshnessProbe.Kind.HOLD, seatIds, System.nanoTime(), measured);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1_000, 1_500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        boolean confirm = ThreadLocalRandom.current().nextDouble() < CONFIRMED;
        String change = confirm ? "confirm" : "cancel";
        HttpConnections.Response changed = stats.timed(http, confirm ? Route.CONFIRM : Route.CANCEL, System.nanoTime(),
                measured, from, "POST", "/api/v1/bookings/" + bookingId + "/" + change + "?user_id=" + buyer,
                null, "X-Idempotency-Key: stadium-" + eventId + "-" + change + "-" + buyer);
        if (changed == null || changed.status() != 200) {
            return; // the seats stay claimed: what became of them is unknown
        }
        if (confirm) {
            probe.watch(FreshnessProbe.Kind.SALE, seatIds, System.nanoTime(), measured);
        } else {
            hold.undo();
            release(seatIds);
        }
    }

    /** {@code count} distinct seats that the latest map shows available and no hold of this run has, claimed; null if none found. */
    private int[] pick(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int[] picked = new int[count];
        int found = 0;
        for (int tries = 0; found < count && tries < PICK_TRIES; tries++) {
            int seatId = random.nextInt(1, seats + 1);
            if (probe.state(seatId) == 'A' && claimed.compareAndSet(seatId, 0, 1)) {
                picked[found++] = seatId;
            }
        }
        if (found < count) {
            release(Arrays.copyOf(picked, found));
            return null;
        }
        return picked;
    }

    private void release(int[] seatIds) {
        for (int seatId : seatIds) {
            claimed.set(seatId, 0);
        }
    }

    private static long bookingId(HttpConnections.Response held) {
        try {
            return JSON.readTree(held.body()).path("id").asLong();
        } catch (IOException e) {
            return 0;
        }
    }
}
