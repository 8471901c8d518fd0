package dev.onsale.http;

import static dev.onsale.testing.Replies.untilNot503;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.localstack.LocalJwtKey;
import dev.onsale.localstack.Template;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.JwtStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Who may call what: every route of template.yaml, called through the gateway in JWT mode (as API Gateway's
 * JWT authorizer would guard it) by nine callers, against real data (an event, user A's bookings), and the
 * status each must get. A route of the template without a row here fails the test: nobody adds a route
 * without deciding who may call it. Every request also says {@code ?user_id=A}, which JWT mode ignores.
 */
class AuthorizationMatrixIT {

    /**
     * The callers, in the order each row calls them: the owner last, so the others meet A's booking untouched.
     * SCOPE_ONLY is a user whose token has the admin group's name as a scope and no groups: a scope describes a
     * client, not a person, so it gets what any other user (B) gets on every route. NO_SUB and EMPTY_SUB hold tokens
     * the trusted issuer signed (the gateway lets them through) without a {@code sub}, or with an empty one: no
     * usable caller, so they get what nobody gets on every route: 401 (from the route, as no per-user limit can count
     * them and no user route can serve them) where a caller is needed, the public answer elsewhere.
     */
    enum Who { NO_TOKEN, EXPIRED, FORGED, NO_SUB, EMPTY_SUB, USER_B, SCOPE_ONLY, ADMIN, USER_A }

    /** The callers whose tokens the gateway lets through though they name no usable user. */
    private static final java.util.Set<Who> NO_USER = java.util.EnumSet.of(Who.NO_SUB, Who.EMPTY_SUB);

    /** A 401 to any other caller comes from the gateway's authorizer, with API Gateway's own body. */
    private static final int UNAUTHORIZED = 401;

    /** A request of one cell. */
    record Call(String method, String path, String body) {}

    /** One route: its template route key, how to call it (after its own set-up), and who gets what. */
    record Row(String routeKey, Function<Fixture, Function<Who, Call>> calls, Map<Who, Integer> expected) {}

    private static final List<Row> ROWS = List.of(
            //                                                                  none  A    B    admin expired forged
            row("POST /api/v1/events", f -> who -> post("/api/v1/events", tinyEvent("Matrix " + who)),
                                                                                401, 403, 403, 201, 401, 401),
            row("GET /api/v1/events",                                           200, 200, 200, 200, 200, 200),
            row("GET /api/v1/events/{event_id}",                                200, 200, 200, 200, 200, 200),
            row("GET /api/v1/events/{event_id}/seats",                          401, 200, 200, 200, 401, 401),
            row("POST /api/v1/bookings", f -> {
                        long event = f.newEvent();
                        return who -> post("/api/v1/bookings", hold(event, who.ordinal() + 1));
                    },                                                          401, 201, 201, 201, 401, 401),
            row("GET /api/v1/bookings",                                         401, 200, 200, 200, 401, 401),
            // another's booking is a 404, for an admin too: bookings are their owner's only
            row("GET /api/v1/bookings/{booking_id}",                            401, 200, 404, 404, 401, 401),
            row("POST /api/v1/bookings/{booking_id}/confirm", f -> {
                        long booking = f.bookingOfA();
                        return who -> post("/api/v1/bookings/" + booking + "/confirm", "");
                    },                                                          401, 200, 404, 404, 401, 401),
            row("POST /api/v1/bookings/{booking_id}/cancel", f -> {
                        long booking = f.bookingOfA();
                        return who -> post("/api/v1/bookings/" + booking + "/cancel", "");
                    },                                                          401, 200, 404, 404, 401, 401),
            row("GET /api/v1/cache/stats",                                      401, 403, 403, 200, 401, 401),
            row("GET /api/v1/events/{event_id}/on-sale",                        401, 403, 403, 200, 401, 401),
            row("POST /api/v1/events/{event_id}/waiting-room/enable", f -> {
                        long event = f.newEvent();
                        return who -> post("/api/v1/events/" + event + "/waiting-room/enable?max_concurrent=100", "");
                    },                                                          401, 403, 403, 200, 401, 401),
            row("POST /api/v1/events/{event_id}/waiting-room/disable", f -> {
                        long event = f.newEvent();
                        return who -> post("/api/v1/events/" + event + "/waiting-room/disable", "");
                    },                                                          401, 403, 403, 200, 401, 401),
            row("POST /api/v1/events/{event_id}/waiting-room/join",             401, 200, 200, 200, 401, 401),
            // the queue token is the credential (no authorizer): whoever holds it checks in; what it
            // yields, an access token, is bound to its user (WaitingRoomTokensJwtIT). Each caller holds a fan's
            // token of its own: check-ins are limited per place, and these come faster than a fan is asked to
            row("GET /api/v1/events/{event_id}/waiting-room/status", f -> who ->
                            get("/api/v1/events/" + f.event + "/waiting-room/status?token=" + f.queueTokenOfNewFan()),
                                                                                200, 200, 200, 200, 200, 200),
            row("GET /api/v1/events/{event_id}/waiting-room/stats",             200, 200, 200, 200, 200, 200),
            // presale codes: made and listed by admins only; redeemed by any signed-in fan (this code exists nowhere: 404)
            row("POST /api/v1/events/{event_id}/codes", f -> who -> post("/api/v1/events/" + f.event + "/codes", "{\"count\": 1}"),
                                                                                401, 403, 403, 201, 401, 401),
            row("GET /api/v1/events/{event_id}/codes",                          401, 403, 403, 200, 401, 401),
            row("POST /api/v1/events/{event_id}/codes/redeem", f -> who ->
                            post("/api/v1/events/" + f.event + "/codes/redeem", "{\"code\": \"AAAA-BBBB-CCCC-DDDD\"}"),
                                                                                401, 404, 404, 404, 401, 401),
            row("GET /events/{event_id}/queue",                                 200, 200, 200, 200, 200, 200),
            row("GET /openapi.json",                                            200, 200, 200, 200, 200, 200),
            row("GET /docs",                                                    200, 200, 200, 200, 200, 200),
            row("GET /docs/{file}", "/docs/swagger-ui.css",                     200, 200, 200, 200, 200, 200),
            // no route matches: the $default route's JSON 404, token or not
            row("$default", f -> who -> get("/api/v1/no-such-route"),           404, 404, 404, 404, 404, 404));

    private final Gateway api;

    AuthorizationMatrixIT() {
        this.api = new Gateway(JwtStack.gatewayUrl());
    }

    @Test
    void everyRouteOfTheTemplateHasARow() {
        TreeSet<String> missing = new TreeSet<>(templateRoutes());
        ROWS.forEach(row -> missing.remove(row.routeKey()));
        assertTrue(missing.isEmpty(), "routes of template.yaml without a row in " + getClass().getSimpleName()
                + " (decide who may call them): " + missing);
        TreeSet<String> stale = new TreeSet<>();
        ROWS.forEach(row -> stale.add(row.routeKey()));
        stale.removeAll(templateRoutes());
        assertTrue(stale.isEmpty(), "rows for routes the template does not have: " + stale);
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryRoute() {
        Fixture fixture = new Fixture();
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Row row : ROWS) {
            Function<Who, Call> calls = row.calls().apply(fixture);
            for (Who who : Who.values()) {
                Call call = calls.apply(who);
                Gateway.Reply reply = send(call, who, fixture);
                cells++;
                int expected = row.expected().get(who);
                if (reply.status() != expected) {
                    wrong.add("%s as %s: %d, expected %d: %s".formatted(row.routeKey(), who, reply.status(), expected, reply.body()));
                } else if (expected == UNAUTHORIZED && NO_USER.contains(who) && !reply.body().contains("\"error\":\"unauthorized\"")) {
                    wrong.add("%s as %s: a 401 not from the route: %s".formatted(row.routeKey(), who, reply.body()));
                } else if (expected == UNAUTHORIZED && !NO_USER.contains(who) && !"{\"message\":\"Unauthorized\"}".equals(reply.body())) {
                    wrong.add("%s as %s: a 401 not from the gateway's authorizer: %s".formatted(row.routeKey(), who, reply.body()));
                }
            }
        }
        assertEquals(ROWS.size() * Who.values().length, cells);
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + cells + " cells are wrong:\n" + String.join("\n", wrong));
    }

    @Test
    void aUsersListHoldsOnlyTheirOwnBookings() {
        Fixture fixture = new Fixture();
        long booking = fixture.bookingOfA();
        String ofA = api.get("/api/v1/bookings", "authorization", JwtStack.bearer(fixture.userA, false)).body();
        String ofB = api.get("/api/v1/bookings?user_id=" + fixture.userA, "authorization", JwtStack.bearer(fixture.userB, false)).body();
        assertTrue(ofA.contains("\"id\":" + booking), ofA);
        assertTrue(!ofB.contains("\"id\":" + booking) && ofB.contains("\"bookings\":[]"), ofB);
    }

    private Gateway.Reply send(Call call, Who who, Fixture fixture) {
        String path = call.path() + (call.path().contains("?") ? "&" : "?") + "user_id=" + fixture.userA;
        List<String> headers = new ArrayList<>(List.of("content-type", "application/json"));
        String authorization = fixture.authorization(who);
        if (authorization != null) {
            headers.addAll(List.of("authorization", authorization));
        }
        return untilNot503(() -> api.send(call.method(), path, call.body(), headers.toArray(String[]::new)));
    }

    /** The method and path of every HttpApi event of every function; {@code $default} for one without a path. */
    private static List<String> templateRoutes() {
        Template template = Template.load(EmbeddedStack.projectFile("template.yaml"));
        List<String> routes = new ArrayList<>();
        for (Template.Resource function : template.resourcesOfType(Template.SERVERLESS_FUNCTION)) {
            Object events = function.properties().get("Events");
            if (!(events instanceof Map<?, ?> byName)) {
                continue;
            }
            for (Object event : byName.values()) {
                if (event instanceof Map<?, ?> definition && "HttpApi".equals(definition.get("Type"))) {
                    Map<?, ?> properties = definition.get("Properties") instanceof Map<?, ?> p ? p : Map.of();
                    Object path = properties.get("Path");
                    routes.add(path == null ? "$default"
                            : String.valueOf(properties.get("Method")).toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        return routes;
    }

    /**
     * A row whose route is called as its key says: {@code {event_id}} is the fixture's event, {@code {booking_id}}
     * A's booking. A public route is one line: {@code row("GET /openapi.json", 200, 200, 200, 200, 200, 200)}.
     */
    private static Row row(String routeKey, int none, int userA, int userB, int admin, int expired, int forged) {
        return row(routeKey, routeKey.split(" ", 2)[1], none, userA, userB, admin, expired, forged);
    }

    /**
     * A row calling its route on {@code path}, for a route whose other path parameters the fixture cannot
     * fill: {@code row("GET /docs/{proxy+}", "/docs/index.html", 200, 200, 200, 200, 200, 200)}.
     */
    private static Row row(String routeKey, String path, int none, int userA, int userB, int admin, int expired, int forged) {
        String method = routeKey.split(" ", 2)[0];
        return row(routeKey, f -> {
            String concrete = path.replace("{event_id}", String.valueOf(f.event));
            if (concrete.contains("{booking_id}")) {
                concrete = concrete.replace("{booking_id}", String.valueOf(f.sharedBookingOfA()));
            }
            if (concrete.contains("{")) {
                throw new IllegalStateException(routeKey + ": give its row a concrete path, e.g. row(\"" + routeKey + "\", \"/...\", ...)");
            }
            Call call = new Call(method, concrete, method.equals("GET") ? null : "");
            return who -> call;
        }, none, userA, userB, admin, expired, forged);
    }

    private static Row row(String routeKey, Function<Fixture, Function<Who, Call>> calls,
                           int none, int userA, int userB, int admin, int expired, int forged) {
        Map<Who, Integer> expected = new EnumMap<>(Who.class);
        expected.putAll(Map.of(Who.NO_TOKEN, none, Who.USER_A, userA, Who.USER_B, userB, Who.SCOPE_ONLY, userB, Who.ADMIN, admin,
                Who.EXPIRED, expired, Who.FORGED, forged, Who.NO_SUB, none, Who.EMPTY_SUB, none));
        return new Row(routeKey, calls, expected);
    }

    private static Call get(String path) {
        return new Call("GET", path, null);
    }

    private static Call post(String path, String body) {
        return new Call("POST", path, body);
    }

    private static String hold(long eventId, int seat) {
        return "{\"event_id\": " + eventId + ", \"seat_ids\": [" + seat + "]}";
    }

    private static String tinyEvent(String name) {
        return """
                {"name": "%s", "venue": "Matrix Hall", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [{"name": "Floor", "rows": 1, "seats_per_row": 10, "price": 10.00}]}
                """.formatted(name);
    }

    /** Real data on the JWT stack: users A and B, an admin, an event, A's bookings, and fans' places in its line. */
    final class Fixture {
        final String userA = "a-" + UUID.randomUUID().toString().substring(0, 8);
        final String userB = "b-" + UUID.randomUUID().toString().substring(0, 8);
        final String adminUser = "admin-" + UUID.randomUUID().toString().substring(0, 8);
        final long event = newEvent();
        private final Map<Who, String> authorizations = new LinkedHashMap<>();
        private Long sharedBooking;

        Fixture() {
            authorizations.put(Who.USER_A, JwtStack.bearer(userA, false));
            authorizations.put(Who.USER_B, JwtStack.bearer(userB, false));
            authorizations.put(Who.ADMIN, JwtStack.bearer(adminUser, true));
            ObjectNode scoped = JwtStack.tokens().claims("scope-" + userB, false, Instant.now(), Duration.ofHours(1))
                    .put("scope", "openid admin").put("scp", "admin");
            authorizations.put(Who.SCOPE_ONLY, "Bearer " + JwtStack.tokens().key().sign(JwtStack.tokens().key().header(), scoped));
            // good tokens of the trusted issuer, for no one: without a sub, and with an empty one
            ObjectNode noSub = JwtStack.tokens().claims("nobody", false, Instant.now(), Duration.ofHours(1));
            noSub.remove("sub");
            authorizations.put(Who.NO_SUB, "Bearer " + JwtStack.tokens().key().sign(JwtStack.tokens().key().header(), noSub));
            ObjectNode emptySub = JwtStack.tokens().claims("", false, Instant.now(), Duration.ofHours(1));
            authorizations.put(Who.EMPTY_SUB, "Bearer " + JwtStack.tokens().key().sign(JwtStack.tokens().key().header(), emptySub));
            // A's admin claims, expired; and A's admin claims signed by a key the gateway does not trust
            authorizations.put(Who.EXPIRED, "Bearer " + JwtStack.tokens().expiredToken(userA, true));
            ObjectNode claims = JwtStack.tokens().claims(userA, true, Instant.now(), Duration.ofHours(1));
            authorizations.put(Who.FORGED, "Bearer " + LocalJwtKey.generate().sign(JwtStack.tokens().key().header(), claims));
        }

        String authorization(Who who) {
            return authorizations.get(who);
        }

        long newEvent() {
            Gateway.Reply created = untilNot503(() -> api.post("/api/v1/events", tinyEvent("Matrix event"),
                    "authorization", JwtStack.bearer("matrix-admin", true)));
            assertEquals(201, created.status(), created.body());
            return created.json().get("id").asLong();
        }

        /** A new live hold of A's, on an event of its own (a user may hold only so many per event). */
        long bookingOfA() {
            long event = newEvent();
            Gateway.Reply held = untilNot503(() -> api.post("/api/v1/bookings", hold(event, 1), "authorization", authorization(Who.USER_A)));
            assertEquals(201, held.status(), held.body());
            return held.json().get("id").asLong();
        }

        long sharedBookingOfA() {
            if (sharedBooking == null) {
                sharedBooking = bookingOfA();
            }
            return sharedBooking;
        }

        /** The queue token of a fan who just joined the line of the fixture's event. */
        String queueTokenOfNewFan() {
            String fan = "fan-" + UUID.randomUUID().toString().substring(0, 8);
            Gateway.Reply joined = untilNot503(() -> api.post("/api/v1/events/" + event + "/waiting-room/join", "",
                    "authorization", JwtStack.bearer(fan, false)));
            assertEquals(200, joined.status(), joined.body());
            return joined.json().get("token").asText();
        }
    }
}
