package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Reads the event's seat map and every buyer's bookings through the API and runs {@link OversellCheck}. */
final class OversellAudit {

    /** What the API answered: each seat's status, and each buyer's bookings of the event. */
    record Findings(Map<Integer, String> seats, Map<String, List<OversellCheck.BookingRecord>> bookingsByUser) {
        List<OversellCheck.BookingRecord> bookings() {
            return bookingsByUser.values().stream().flatMap(List::stream).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than the seat map's fresh + stale periods (500 + 500 ms): the next read rebuilds from DynamoDB. */
    private static final long SEAT_MAP_SETTLE_MS = 1_200;

    private final HttpConnections http;
    private final InetAddress auditorAddress;
    private final String auditorUser;
    private final Credentials credentials;

    /** An audit in dev mode ({@code ?user_id=}). */
    OversellAudit(HttpConnections http, InetAddress auditorAddress, String auditorUser) {
        this(http, auditorAddress, auditorUser, Credentials.dev());
    }

    /** An audit that reads each buyer's bookings signed in as that buyer with {@code credentials}. */
    OversellAudit(HttpConnections http, InetAddress auditorAddress, String auditorUser, Credentials credentials) {
        this.http = http;
        this.auditorAddress = auditorAddress;
        this.auditorUser = auditorUser;
        this.credentials = credentials;
    }

    OversellCheck.Result run(long eventId, Collection<String> buyers) throws IOException, InterruptedException {
        return check(read(eventId, buyers));
    }

    static OversellCheck.Result check(Findings findings) {
        return OversellCheck.check(findings.seats(), findings.bookings(), Instant.now());
    }

    /** The seat map once it has settled, then every buyer's bookings of the event. */
    Findings read(long eventId, Collection<String> buyers) throws IOException, InterruptedException {
        Thread.sleep(SEAT_MAP_SETTLE_MS);
        Map<Integer, String> seats = seatMap(eventId);
        return new Findings(seats, bookings(eventId, buyers));
    }

    private Map<Integer, String> seatMap(long eventId) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpConnections.Response response = http.get(auditorAddress,
                    credentials.target("/api/v1/events/" + eventId + "/seats?format=full", auditorUser),
                    credentials.headers(auditorUser));
            if (response.status() >= 500 && attempt < 10) {
                Thread.sleep(1_000); // busy (e.g. still rebuilding after an overload): the answer will come
                continue;
            }
            if (response.status() != 200) {
                throw new IOException("seat map answered " + response.status() + ": " + response.text());
            }
            // a STALE copy was served while another caller rebuilt it: ask again for the rebuilt one
            if ("STALE".equalsIgnoreCase(response.header("x-cache")) && attempt < 10) {
                Thread.sleep(300);
                continue;
            }
            Map<Integer, String> seats = new HashMap<>();
            for (JsonNode seat : JSON.readTree(response.body()).path("seats")) {
                seats.put(seat.path("id").asInt(), seat.path("status").asText());
            }
            return seats;
        }
    }

    private Map<String, List<OversellCheck.BookingRecord>> bookings(long eventId, Collection<String> buyers)
            throws IOException, InterruptedException {
        Map<String, List<OversellCheck.BookingRecord>> found = new ConcurrentHashMap<>();
        Semaphore parallel = new Semaphore(32);
        List<Future<?>> reads = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String buyer : buyers) {
                parallel.acquire();
                reads.add(executor.submit(() -> {
                    try {
                        List<OversellCheck.BookingRecord> own = new ArrayList<>();
                        readBookings(eventId, buyer, own);
                        found.put(buyer, own);
                    } finally {
                        parallel.release();
                    }
                    return null;
                }));
            }
            for (Future<?> read : reads) {
                try {
                    read.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("reading bookings failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
        return found;
    }

    private void readBookings(long eventId, String user, Collection<OversellCheck.BookingRecord> found) throws IOException {
        String before = null;
        do {
            String target = credentials.target("/api/v1/bookings?limit=100" + (before == null ? "" : "&before=" + before), user);
            HttpConnections.Response response = http.get(auditorAddress, target, credentials.headers(user));
            for (int attempt = 1; response.status() >= 500 && attempt < 5; attempt++) {
                sleep(attempt * 500L);
                response = http.get(auditorAddress, target, credentials.headers(user));
            }
            if (response.status() != 200) {
                throw new IOException("bookings of " + user + " answered " + response.status() + ": " + response.text());
            }
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode booking : page.path("bookings")) {
                if (booking.path("event_id").asLong() != eventId) {
                    continue;
                }
                List<Integer> seatIds = new ArrayList<>();
                booking.path("seats").forEach(seat -> seatIds.add(seat.path("id").asInt()));
                found.add(new OversellCheck.BookingRecord(booking.path("id").asLong(), booking.path("status").asText(),
                        instant(booking.path("expires_at")), seatIds));
            }
            before = page.path("next_before").isNull() || page.path("next_before").isMissingNode()
                    ? null : page.path("next_before").asText();
        } while (before != null);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Instant instant(JsonNode value) {
        if (value.isTextual()) {
            return Instant.parse(value.asText());
        }
        if (value.isNumber()) {
            double seconds = value.asDouble();
            return Instant.ofEpochMilli((long) (seconds * 1000));
        }
        return null;
    }
}
