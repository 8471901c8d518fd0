package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What fans do in an on-sale, one action at a time: read the seat map (many distinct fans in turn, each under
 * its limits, spread over many source addresses), hammer it (a few bots, over their limits), wait in line for
 * a second event and read its seat map once admitted, or hold random seats and then pay or give them back.
 */
final class OnSaleMix {

    enum Action { SEATMAP, OVERLIMIT, QUEUE, HOLD, STATS, NOTFOUND }

    /** The measured window: requests sent outside it are not recorded (warm-up, the drain after it). */
    record Window(long startNanos, long endNanos) {
        boolean contains(long nanos) {
            return nanos >= startNanos && nanos < endNanos;
        }
    }

    static final long BOT_USERS_FROM = 900_000;
    static final long QUEUE_USERS_FROM = 2_000_000;
    static final long BUYERS_FROM = 3_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpConnections http;
    private final RouteStats stats;
    private final long saleEvent;
    private final long queueEvent;
    private final int seats;
    private final int users;
    private final InetAddress[] fanAddresses;
    private final InetAddress[] botAddresses;
    private final Action[] actions;
    private final int[] cumulativeWeights;
    private final AtomicLong nextFan = new AtomicLong();
    private final AtomicLong nextQueueUser = new AtomicLong(QUEUE_USERS_FROM);
    private final AtomicLong nextBuyer = new AtomicLong(BUYERS_FROM);
    private final Set<String> buyers = ConcurrentHashMap.newKeySet();
    private volatile Window window = new Window(Long.MAX_VALUE, Long.MAX_VALUE);

    OnSaleMix(HttpConnections http, RouteStats stats, long saleEvent, long queueEvent, int seats, int users,
              int addresses, int bots, Map<Action, Integer> weights) {
        this.http = http;
        this.stats = stats;
        this.saleEvent = saleEvent;
        this.queueEvent = queueEvent;
        this.seats = seats;
        this.users = users;
        this.fanAddresses = fanAddresses(addresses);
        this.botAddresses = new InetAddress[bots];
        for (int i = 0; i < bots; i++) {
            botAddresses[i] = loopback(250, i / 250 % 250, i % 250 + 1);
        }
        this.actions = weights.keySet().toArray(Action[]::new);
        this.cumulativeWeights = new int[actions.length];
        int sum = 0;
        for (int i = 0; i < actions.length; i++) {
            sum += weights.get(actions[i]);
            cumulativeWeights[i] = sum;
        }
    }

    /** Any 127.x.y.z is this machine on Linux: each fan address is a different source IP to the gateway. */
    static InetAddress loopback(int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} source addresses for fans: 127.10.0.1, 127.10.0.2, ... 250 to a /24. */
    static InetAddress[] fanAddresses(int count) {
        InetAddress[] addresses = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            addresses[i] = loopback(10 + i / (250 * 250), i / 250 % 250, i % 250 + 1);
        }
        return addresses;
    }

    void measure(Window window) {
        this.window = window;
    }

    /** Every user who tried to hold seats: the oversell audit reads their bookings. */
    Set<String> buyers() {
        return buyers;
    }

    Action pick() {
        int ticket = ThreadLocalRandom.current().nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < actions.length; i++) {
            if (ticket < cumulativeWeights[i]) {
                return actions[i];
            }
        }
        throw new IllegalStateException();
    }

    /** @param dueNanos when the action was due (open loop) or started (closed loop): its first request's latency counts from then */
    void perform(Action action, long dueNanos) {
        switch (action) {
            case SEATMAP -> {
                long fan = nextFan.getAndIncrement() % users + 1;
                call(Route.SEAT_MAP, dueNanos, address(fan), "GET",
                        "/api/v1/events/" + saleEvent + "/seats?format=compact&user_id=" + fan, null, "Accept-Encoding: gzip");
            }
            case OVERLIMIT -> {
                int bot = ThreadLocalRandom.current().nextInt(botAddresses.length);
                call(Route.SEAT_MAP_OVER_LIMIT, dueNanos, botAddresses[bot], "GET",
                        "/api/v1/events/" + saleEvent + "/seats?format=compact&user_id=" + (BOT_USERS_FROM + bot), null,
                        "Accept-Encoding: gzip");
            }
            case QUEUE -> waitInLine(dueNanos);
            case HOLD -> holdAndPay(dueNanos);
            case STATS -> call(Route.STATS, dueNanos, address(0), "GET",
                    "/api/v1/events/" + queueEvent + "/waiting-room/stats", null);
            case NOTFOUND -> call(Route.NOT_FOUND, dueNanos, address(nextFan.getAndIncrement()), "GET",
                    "/no/such/route", null);
        }
    }

    private void waitInLine(long dueNanos) {
        long fan = nextQueueUser.getAndIncrement();
        InetAddress from = address(fan);
        JsonNode joined = json(call(Route.JOIN, dueNanos, from, "POST",
                "/api/v1/events/" + queueEvent + "/waiting-room/join?user_id=" + fan, null));
        String token = joined == null ? "" : joined.path("token").asText("");
        String access = joined == null ? "" : joined.path("access_token").asText("");
        long waitSeconds = pollAfter(joined, null);
        for (int checkIn = 0; checkIn < 3 && access.isEmpty() && !token.isEmpty(); checkIn++) {
            if (!pause(waitSeconds * 1_000)) {
                return;
            }
            HttpConnections.Response checkedIn = call(Route.STATUS, System.nanoTime(), from, "GET", "/api/v1/events/" + queueEvent
                    + "/waiting-room/status?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null);
            JsonNode status = json(checkedIn);
            access = status == null ? "" : status.path("access_token").asText("");
            waitSeconds = pollAfter(status, checkedIn);
        }
        if (!access.isEmpty()) {
            call(Route.SEAT_MAP_ADMITTED, System.nanoTime(), from, "GET",
                    "/api/v1/events/" + queueEvent + "/seats?format=compact&user_id=" + fan, null,
                    "Accept-Encoding: gzip", "X-Waiting-Room-Token: " + access);
        }
    }

    /**
     * When a fan checks in next, as the room asks: {@code poll_after_seconds}, or {@code Retry-After} when refused
     * (checking in sooner than asked is refused 429 per place), 1 s when neither says.
     */
    static long pollAfter(JsonNode answer, HttpConnections.Response response) {
        if (answer != null && answer.path("poll_after_seconds").canConvertToLong()) {
            return Math.max(1, answer.path("poll_after_seconds").asLong());
        }
        String retryAfter = response == null ? null : response.header("retry-after");
        try {
            return retryAfter == null ? 1 : Math.max(1, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void holdAndPay(long dueNanos) {
        long buyer = nextBuyer.getAndIncrement();
        buyers.add(String.valueOf(buyer));
        InetAddress from = address(buyer);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int[] seatIds = random.ints(1, seats + 1).distinct().limit(random.nextInt(1, 5)).toArray();
        StringBuilder body = new StringBuilder("{\"event_id\":").append(saleEvent).append(",\"seat_ids\":[");
        for (int i = 0; i < seatIds.length; i++) {
            body.append(i == 0 ? "" : ",").append(seatIds[i]);
        }
        body.append("]}");
        HttpConnections.Response held = call(Route.HOLD, dueNanos, from, "POST", "/api/v1/bookings?user_id=" + buyer,
                body.toString(), "Idempotency-Key: loadtest-hold-" + buyer);
        JsonNode booking = held != null && held.status() == 201 ? json(held) : null;
        if (booking == null || !pause(random.nextLong(200, 1_000))) {
            return;
        }
        double choice = random.nextDouble();
        if (choice < 0.9) {
            String change = choice < 0.8 ? "confirm" : "cancel";
            call(change.equals("confirm") ? Route.CONFIRM : Route.CANCEL, System.nanoTime(), from, "POST",
                    "/api/v1/bookings/" + booking.path("id").asLong() + "/" + change + "?user_id=" + buyer, null,
                    "Idempotency-Key: loadtest-" + change + "-" + buyer);
        }
    }

    private InetAddress address(long user) {
        return fanAddresses[(int) (user % fanAddresses.length)];
    }

    /** One request, recorded under its route when it was due inside the measured window; null when it failed. */
    private HttpConnections.Response call(Route route, long dueNanos, InetAddress from, String method, String target,
                                          String jsonBody, String... headers) {
        return stats.timed(http, route, dueNanos, window.contains(dueNanos), from, method, target, jsonBody, headers);
    }

    private static JsonNode json(HttpConnections.Response response) {
        if (response == null || response.status() >= 300) {
            return null;
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
