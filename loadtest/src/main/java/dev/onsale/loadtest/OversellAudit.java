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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Reads the event's seat map and every buyer's bookings through the API and runs {@link OversellCheck}. */
final class OversellAudit {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than the seat map's fresh + stale periods (500 + 500 ms): the next read rebuilds from DynamoDB. */
    private static final long SEAT_MAP_SETTLE_MS = 1_200;

    private final HttpConnections http;
    private final InetAddress auditorAddress;
    private final String auditorUser;

    OversellAudit(HttpConnections http, InetAddress auditorAddress, String auditorUser) {
        this.http = http;
        this.auditorAddress = auditorAddress;
        this.auditorUser = auditorUser;
    }

    OversellCheck.Result run(long eventId, Collection<String> buyers) throws IOException, InterruptedException {
        Thread.sleep(SEAT_MAP_SETTLE_MS);
        Map<Integer, String> seats = seatMap(eventId);
        List<OversellCheck.BookingRecord> bookings = bookings(eventId, buyers);
        return OversellCheck.check(seats, bookings, Instant.now());
    }

    private Map<Integer, String> seatMap(long eventId) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpConnections.Response response = http.get(auditorAddress,
                    "/api/v1/events/" + eventId + "/seats?format=full&user_id=" + auditorUser);
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

    private List<OversellCheck.BookingRecord> bookings(long eventId, Collection<String> buyers)
            throws IOException, InterruptedException {
        ConcurrentLinkedQueue<OversellCheck.BookingRecord> found = new ConcurrentLinkedQueue<>();
        Semaphore parallel = new Semaphore(32);
        List<Future<?>> reads = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String buyer : buyers) {
                parallel.acquire();
                reads.add(executor.submit(() -> {
                    try {
                        readBookings(eventId, buyer, found);
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
        return new ArrayList<>(found);
    }

    private void readBookings(long eventId, String user, Collection<OversellCheck.BookingRecord> found) throws IOException {
        String before = null;
        do {
            String target = "/api/v1/bookings?limit=100&user_id=" + user + (before == null ? "" : "&before=" + before);
            HttpConnections.Response response = http.get(auditorAddress, target);
            for (int attempt = 1; response.status() >= 500 && attempt < 5; attempt++) {
                sleep(attempt * 500L);
                response = http.get(auditorAddress, target);
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
