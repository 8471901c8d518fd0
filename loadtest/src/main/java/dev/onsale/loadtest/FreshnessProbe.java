package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * How soon the seat map shows a change: the probe reads the compact map every {@value #INTERVAL_MS} ms (as
 * fans in turn, on addresses of its own, so no limit slows it; with If-None-Match, so an unchanged map costs
 * no body) and checks each change it was told of since: a hold is seen once none of its seats shows
 * {@code A}, a sale once all show {@code S}. Freshness is from the change's answer to the probe answer that
 * first shows it, so it is over by at most one interval and one read.
 */
final class FreshnessProbe {

    static final long INTERVAL_MS = 25;
    private static final int MAX_OUTSTANDING = 8;
    /** A change not seen this long after its answer is counted as never seen. */
    static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long USERS_FROM = 4_000_000;
    /** 40 reads a second over 2,000 fans is about one a fan a minute, far under 20 (and the seat-check rule's 30). */
    private static final int USERS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind {
        /** Held: no seat shows A. */
        HOLD,
        /** Confirmed: every seat shows S. */
        SALE
    }

    /** A change to look for: its seats, when it was answered, and whether it counts (its hold was due in the measured window). */
    static final class Watch {
        final Kind kind;
        final int[] seatIds;
        final long answeredNanos;
        final boolean measured;
        volatile boolean undone;

        Watch(Kind kind, int[] seatIds, long answeredNanos, boolean measured) {
            this.kind = kind;
            this.seatIds = seatIds;
            this.answeredNanos = answeredNanos;
            this.measured = measured;
        }

        /** The hold was cancelled: if not yet seen it never will be, and is counted so. */
        void undo() {
            undone = true;
        }
    }

    /** What the probe found for one kind of change, measured window only; written under the probe's lock. */
    static final class Findings {
        final Histogram freshnessMicros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long neverSeen;
        long undoneBeforeSeen;

        long watched() {
            return freshnessMicros.getTotalCount() + neverSeen + undoneBeforeSeen;
        }
    }

    private final HttpConnections http;
    private final RouteStats stats;
    private final long eventId;
    private final InetAddress[] addresses;
    private final ConcurrentLinkedQueue<Watch> watches = new ConcurrentLinkedQueue<>();
    private final Findings holds = new Findings();
    private final Findings sales = new Findings();
    private final AtomicLong nextUser = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Thread thread;
    private final OnSaleMix.Window window;
    private volatile boolean running = true;
    /** The latest map: one letter per seat, seat 1 first. */
    private volatile char[] states;
    private volatile String etag;
    /** When the read behind {@link #states} was sent: an answer to an older read changes nothing. */
    private long appliedDueNanos = Long.MIN_VALUE;

    FreshnessProbe(HttpConnections http, RouteStats stats, long eventId, OnSaleMix.Window window) {
        this.http = http;
        this.stats = stats;
        this.eventId = eventId;
        this.window = window;
        this.addresses = new InetAddress[16];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = OnSaleMix.loopback(9, 1, i + 1);
        }
        this.thread = Thread.ofVirtual().name("freshness-probe").unstarted(this::probe);
    }

    /** Reads the map once (it is the seat pick's first view), then every interval until {@link #stop()}. */
    void start() throws IOException {
        if (!read(System.nanoTime())) {
            throw new IOException("the freshness probe cannot read the seat map of event " + eventId);
        }
        thread.start();
    }

    /** Stops reading; the findings are final once it returns (an answer still on its way is not looked at). */
    void stop() throws InterruptedException {
        synchronized (this) {
            running = false;
        }
        thread.join();
    }

    /** The seat's state in the latest map read: {@code A}, {@code H} or {@code S}. */
    char state(int seatId) {
        return states[seatId - 1];
    }

    /** Looks for a change answered at {@code answeredNanos}; {@code measured}: it counts in the findings. */
    Watch watch(Kind kind, int[] seatIds, long answeredNanos, boolean measured) {
        Watch watch = new Watch(kind, seatIds, answeredNanos, measured);
        watches.add(watch);
        return watch;
    }

    /** Every change told of has been seen or given up on. */
    boolean settled() {
        return watches.isEmpty();
    }

    Findings holds() {
        return holds;
    }

    Findings sales() {
        return sales;
    }

    /**
     * A read every interval, each on its own virtual thread, so that one slow answer (a read that fell back to
     * the table, say) does not blind the probe; at most {@value #MAX_OUTSTANDING} at once.
     */
    private void probe() {
        long next = System.nanoTime();
        while (running) {
            long due = System.nanoTime();
            if (outstanding.get() < MAX_OUTSTANDING) {
                outstanding.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        read(due);
                    } finally {
                        outstanding.decrementAndGet();
                    }
                });
            }
            next = Math.max(next + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS), System.nanoTime());
            try {
                TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One read of the map, then a look for every pending change; false when it gave no map (failed, or not 200/304). */
    private boolean read(long dueNanos) {
        long user = USERS_FROM + nextUser.getAndIncrement() % USERS;
        InetAddress from = addresses[(int) (user % addresses.length)];
        String target = "/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + user;
        String known = etag;
        HttpConnections.Response response = known == null
                ? stats.timed(http, Route.SEAT_MAP_PROBE, dueNanos, window.contains(dueNanos), from, "GET", target, null)
                : stats.timed(http, Route.SEAT_MAP_PROBE, dueNanos, window.contains(dueNanos), from, "GET", target, null,
                        "If-None-Match: " + known);
        if (response == null || (response.status() != 200 && response.status() != 304)) {
            return false;
        }
        char[] map = null;
        if (response.status() == 200) {
            try {
                map = compactStates(response.body());
            } catch (IOException | RuntimeException e) {
                LoadTest.noteFailure(Route.SEAT_MAP_PROBE, e);
                return false;
            }
        }
        synchronized (this) {
            if (!running || dueNanos < appliedDueNanos) {
                return true;
            }
            appliedDueNanos = dueNanos;
            if (map != null) {
                states = map;
                etag = response.header("etag");
            }
            check(states, System.nanoTime());
            return true;
        }
    }

    /** Looks for every pending change in {@code map}, read at {@code seenNanos}: seen, undone, or given up on. */
    synchronized void check(char[] map, long seenNanos) {
        for (Iterator<Watch> pending = watches.iterator(); pending.hasNext(); ) {
            Watch watch = pending.next();
            Findings findings = watch.kind == Kind.HOLD ? holds : sales;
            if (shows(map, watch)) {
                if (watch.measured) {
                    findings.freshnessMicros.recordValue(Math.min(findings.freshnessMicros.getHighestTrackableValue(),
                            Math.max(0, (seenNanos - watch.answeredNanos) / 1_000)));
                }
                pending.remove();
            } else if (watch.undone) {
                if (watch.measured) {
                    findings.undoneBeforeSeen++;
                }
                pending.remove();
            } else if (seenNanos - watch.answeredNanos > GIVE_UP_NANOS) {
                if (watch.measured) {
                    findings.neverSeen++;
                }
                pending.remove();
            }
        }
    }

    private static boolean shows(char[] map, Watch watch) {
        for (int seatId : watch.seatIds) {
            char state = map[seatId - 1];
            if (watch.kind == Kind.HOLD ? state == 'A' : state != 'S') {
                return false;
            }
        }
        return true;
    }

    /** The compact map's letters, one per seat, seat 1 first: section by section from each {@code first_seat_id}. */
    static char[] compactStates(byte[] body) throws IOException {
        JsonNode map = JSON.readTree(body);
        char[] states = new char[map.path("total_seats").asInt()];
        for (JsonNode section : map.path("sections")) {
            int first = section.path("first_seat_id").asInt();
            String seats = section.path("seats").asText();
            if (first < 1 || first - 1 + seats.length() > states.length) {
                throw new IOException("section " + section.path("name").asText() + " lies outside the event's "
                        + states.length + " seats");
            }
            seats.getChars(0, seats.length(), states, first - 1);
        }
        return states;
    }
}
