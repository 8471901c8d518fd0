package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * The on-sale the scalper run's {@link Bot}s and {@link Fan}s take part in: where they send, how they sign in,
 * and what is recorded of it (latency per route, every refusal, the seats held and sold). Closing it tells
 * every actor to stop after its current request.
 */
final class Sale {

    /** Where a member stands in the waiting room, from a join or a check-in. */
    record Standing(String status, String queueToken, String accessToken, int pollAfterSeconds) {
        boolean admitted() {
            return status.equals("admitted");
        }

        boolean queued() {
            return status.equals("queued");
        }
    }

    /** A granted hold. */
    record Hold(long bookingId, int[] seatIds) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_POLL_SECONDS = 2;

    final HttpConnections http;
    final Credentials credentials;
    final long eventId;
    final RouteStats stats = new RouteStats();
    final Refusals refusals = new Refusals();
    final HeldSeats held = new HeldSeats();
    final AtomicInteger inFlight = new AtomicInteger();
    private final Set<String> buyers = ConcurrentHashMap.newKeySet();
    private final Map<Crowd.Side, LongAdder> admissions = new EnumMap<>(Crowd.Side.class);
    private final AtomicLong nextKey = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);

    Sale(HttpConnections http, Credentials credentials, long eventId) {
        this.http = http;
        this.credentials = credentials;
        this.eventId = eventId;
        for (Crowd.Side side : Crowd.Side.values()) {
            admissions.put(side, new LongAdder());
        }
    }

    /** Joins and check-ins of {@code side} that answered admitted. */
    long admissions(Crowd.Side side) {
        return admissions.get(side).sum();
    }

    boolean open() {
        return closed.getCount() > 0;
    }

    void close() {
        closed.countDown();
    }

    /** Waits {@code millis}; false (at once) when the sale closes meanwhile. */
    boolean pause(long millis) {
        try {
            return !closed.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Everyone who asked for a hold: the oversell audit reads their bookings. */
    List<String> buyers() {
        return new ArrayList<>(buyers);
    }

    Standing join(Crowd.Member member) {
        Standing standing = standing(call(member, Route.JOIN, "POST", "/api/v1/events/" + eventId + "/waiting-room/join", null), "");
        if (standing != null && standing.admitted()) {
            admissions.get(member.side()).increment();
        }
        return standing;
    }

    Standing checkIn(Crowd.Member member, String queueToken) {
        Standing standing = standing(call(member, Route.STATUS, "GET", "/api/v1/events/" + eventId
                + "/waiting-room/status?token=" + URLEncoder.encode(queueToken, StandardCharsets.UTF_8), null), queueToken);
        if (standing != null && standing.admitted()) {
            admissions.get(member.side()).increment();
        } else if (standing != null && !standing.queued()) {
            refusals.count(member.side(), Route.STATUS, Refusals.Refusal.sentBack(standing.status()));
        }
        return standing;
    }

    /** The compact map's letters (seat 1 first), or the refusal's answer as null; {@code access} may be empty (room off). */
    HttpConnections.Response seatMap(Crowd.Member member, String access) {
        return call(member, Route.SEAT_MAP_ADMITTED, "GET", "/api/v1/events/" + eventId + "/seats?format=compact", null,
                admission(access));
    }

    static char[] states(HttpConnections.Response map) {
        try {
            return FreshnessProbe.compactStates(map.body());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    HttpConnections.Response hold(Crowd.Member member, String access, int[] seatIds) {
        buyers.add(member.userId());
        StringBuilder body = new StringBuilder("{\"event_id\":").append(eventId).append(",\"seat_ids\":[");
        for (int i = 0; i < seatIds.length; i++) {
            body.append(i == 0 ? "" : ",").append(seatIds[i]);
        }
        body.append("]}");
        HttpConnections.Response answer = call(member, Route.HOLD, "POST", "/api/v1/bookings", body.toString(),
                admission(access, key("hold", member)));
        if (answer != null && answer.status() == 201) {
            JsonNode booking = json(answer);
            long id = booking == null ? 0 : booking.path("id").asLong();
            if (id != 0) {
                held.held(id, member.side(), member.address(), seatIds.length, expiresAt(booking.path("expires_at")));
            }
        }
        return answer;
    }

    /** The booking id of a 201 hold; 0 for anything else. */
    static long bookingId(HttpConnections.Response answer) {
        JsonNode booking = answer != null && answer.status() == 201 ? json(answer) : null;
        return booking == null ? 0 : booking.path("id").asLong();
    }

    HttpConnections.Response confirm(Crowd.Member member, long bookingId) {
        HttpConnections.Response answer = call(member, Route.CONFIRM, "POST", "/api/v1/bookings/" + bookingId + "/confirm",
                null, key("confirm", member));
        if (answer != null && answer.status() == 200) {
            held.confirmed(bookingId);
        }
        return answer;
    }

    HttpConnections.Response cancel(Crowd.Member member, long bookingId) {
        HttpConnections.Response answer = call(member, Route.CANCEL, "POST", "/api/v1/bookings/" + bookingId + "/cancel",
                null, key("cancel", member));
        if (answer != null && answer.status() == 200) {
            held.cancelled(bookingId);
        }
        return answer;
    }

    /** Up to {@code count} distinct random seat ids that {@code states} shows available ({@code A}). */
    static int[] pick(char[] states, int count, RandomGenerator random) {
        List<Integer> available = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            if (states[i] == 'A') {
                available.add(i + 1);
            }
        }
        int take = Math.min(count, available.size());
        int[] picked = new int[take];
        for (int i = 0; i < take; i++) {
            int j = i + random.nextInt(available.size() - i);
            int seat = available.get(j);
            available.set(j, available.get(i));
            picked[i] = seat;
        }
        return picked;
    }

    /** Seconds the answer asks to wait before trying again ({@code Retry-After}), else {@code otherwise}. */
    static long retryAfterSeconds(HttpConnections.Response answer, long otherwise) {
        String value = answer == null ? null : answer.header("retry-after");
        try {
            return value == null ? otherwise : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String error(HttpConnections.Response answer) {
        JsonNode body = answer == null ? null : jsonAny(answer);
        return body == null ? "" : body.path("error").asText("");
    }

    /** One request of {@code member}, signed in as it; every answer of 400 or more (and none at all) is counted. */
    private HttpConnections.Response call(Crowd.Member member, Route route, String method, String path, String body,
                                          String... headers) {
        refusals.requested(member.side());
        inFlight.incrementAndGet();
        HttpConnections.Response answer;
        try {
            answer = stats.timed(http, route, System.nanoTime(), true, member.address(), method,
                    credentials.target(path, member.userId()), body, credentials.headers(member.userId(), headers));
        } finally {
            inFlight.decrementAndGet();
        }
        if (answer == null) {
            refusals.count(member.side(), route, Refusals.Refusal.NO_ANSWER);
        } else if (answer.status() >= 400) {
            refusals.count(member.side(), route, Refusals.Refusal.of(answer));
        }
        return answer;
    }

    private Standing standing(HttpConnections.Response answer, String queueToken) {
        JsonNode body = json(answer);
        if (body == null) {
            return null;
        }
        String token = body.path("token").asText(queueToken);
        int poll = body.path("poll_after_seconds").isNumber() ? body.path("poll_after_seconds").asInt() : DEFAULT_POLL_SECONDS;
        return new Standing(body.path("status").asText(""), token, body.path("access_token").asText(""), poll);
    }

    private String[] admission(String access, String... more) {
        if (access == null || access.isEmpty()) {
            return more;
        }
        String[] headers = java.util.Arrays.copyOf(more, more.length + 1);
        headers[more.length] = "X-Waiting-Room-Token: " + access;
        return headers;
    }

    private String key(String what, Crowd.Member member) {
        return "Idempotency-Key: scalpers-" + eventId + "-" + what + "-" + member.userId() + "-" + nextKey.incrementAndGet();
    }

    private static Instant expiresAt(JsonNode value) {
        try {
            if (value.isTextual()) {
                return Instant.parse(value.asText());
            }
            if (value.isNumber()) {
                return Instant.ofEpochMilli((long) (value.asDouble() * 1000));
            }
        } catch (RuntimeException e) {
            // unreadable: the hold's usual length below
        }
        return Instant.now().plusSeconds(600);
    }

    private static JsonNode json(HttpConnections.Response answer) {
        return answer == null || answer.status() >= 300 ? null : jsonAny(answer);
    }

    private static JsonNode jsonAny(HttpConnections.Response answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            return null;
        }
    }
}
