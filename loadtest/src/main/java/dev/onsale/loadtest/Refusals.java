package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Every refusal the scalper run's actors got, by what the API said (status, error code, and the rule behind it
 * where the answer tells), for bots and for fans, with the routes it came from. Codes are counted as they come:
 * a rule added later shows up as a row of its own without a change here.
 */
final class Refusals {

    /**
     * What one refusal said. {@code rule}: the body's {@code rule} when it has one; for a 429 over a rate limit,
     * the policies with nothing left in {@code RateLimit}; for {@code cooling_off}, the detail's first sentence
     * (it names the bot rule); else empty.
     */
    record Refusal(int status, String error, String rule) {
        static final Refusal NO_ANSWER = new Refusal(0, "no answer (I/O error or timeout)", "");
        private static final ObjectMapper JSON = new ObjectMapper();

        static Refusal of(HttpConnections.Response response) {
            return of(response.status(), response.header("ratelimit"), response.body());
        }

        static Refusal of(int status, String rateLimit, byte[] body) {
            JsonNode json;
            try {
                json = body.length == 0 ? null : JSON.readTree(body);
            } catch (IOException e) {
                json = null;
            }
            String error = json == null ? "" : json.path("error").asText(json.path("message").asText(""));
            if (error.isEmpty()) {
                error = "(no error code)";
            }
            String rule = json == null ? "" : json.path("rule").asText("");
            if (rule.isEmpty() && status == 429 && error.equals("rate_limit_exceeded")) {
                rule = RateLimitField.remaining(rateLimit).entrySet().stream().filter(policy -> policy.getValue() <= 0)
                        .map(Map.Entry::getKey).collect(Collectors.joining("+"));
            }
            if (rule.isEmpty() && error.equals("cooling_off") && json != null) {
                String detail = json.path("detail").asText("");
                int end = detail.indexOf('.');
                rule = end < 0 ? detail : detail.substring(0, end + 1);
            }
            return new Refusal(status, error, rule);
        }

        /** A waiting-room answer that sends the caller back to the line ({@code lapsed}, {@code ended}, ...). */
        static Refusal sentBack(String queueStatus) {
            return new Refusal(200, "status " + queueStatus, "");
        }

        String label() {
            return (status == 0 ? "-" : String.valueOf(status)) + " " + error + (rule.isEmpty() ? "" : " [" + rule + "]");
        }
    }

    /** One line of the report: a refusal, how often bots and fans got it, and on which routes. */
    record Row(Refusal refusal, long bots, long fans, Set<Route> routes) {}

    private record Key(Refusal refusal, Crowd.Side side, Route route) {}

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<Crowd.Side, LongAdder> requests = new EnumMap<>(Crowd.Side.class);

    Refusals() {
        for (Crowd.Side side : Crowd.Side.values()) {
            requests.put(side, new LongAdder());
        }
    }

    void requested(Crowd.Side side) {
        requests.get(side).increment();
    }

    void count(Crowd.Side side, Route route, Refusal refusal) {
        counts.computeIfAbsent(new Key(refusal, side, route), key -> new LongAdder()).increment();
    }

    long requests(Crowd.Side side) {
        return requests.get(side).sum();
    }

    long total(Crowd.Side side) {
        return counts.entrySet().stream().filter(entry -> entry.getKey().side() == side)
                .mapToLong(entry -> entry.getValue().sum()).sum();
    }

    /** One row per refusal, by status, then code, then rule. */
    List<Row> rows() {
        Map<Refusal, long[]> bySide = new ConcurrentHashMap<>();
        Map<Refusal, Set<Route>> routes = new ConcurrentHashMap<>();
        counts.forEach((key, count) -> {
            bySide.computeIfAbsent(key.refusal(), r -> new long[2])[key.side().ordinal()] += count.sum();
            routes.computeIfAbsent(key.refusal(), r -> EnumSet.noneOf(Route.class)).add(key.route());
        });
        List<Row> rows = new ArrayList<>();
        bySide.forEach((refusal, sides) -> rows.add(new Row(refusal, sides[Crowd.Side.BOTS.ordinal()],
                sides[Crowd.Side.FANS.ordinal()], EnumSet.copyOf(routes.get(refusal)))));
        rows.sort(Comparator.comparingInt((Row row) -> row.refusal().status()).thenComparing(row -> row.refusal().error())
                .thenComparing(row -> row.refusal().rule()));
        return rows;
    }
}
