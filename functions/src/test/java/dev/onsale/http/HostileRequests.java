package dev.onsale.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates hostile HTTP requests against a list of routes: request {@code n} of seed {@code s} is always the
 * same bytes, so one failing case reproduces alone. Everything a client can send wrong is drawn here: odd
 * methods, ids and paths; malformed, mistyped, oversized and non-UTF-8 bodies; wrong content types; odd
 * unicode; very long idempotency keys, tokens, user ids, query strings and headers; a missing, garbled or
 * doubled Content-Length. Nothing generated spells an internal name, so any such name in an answer leaked.
 */
final class HostileRequests {
    /** A route of the template, e.g. {@code POST /api/v1/events/{event_id}/waiting-room/join}. */
    record Route(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** How the request states its body's length. */
    enum Length { EXACT, MISSING, GARBLED, NEGATIVE, TWICE, CHUNKED }

    /**
     * One generated request.
     *
     * @param oversized the body is over the functions' limit and the route reads it: the answer must be 413
     *                  (or a guard's 429, which answers before the body is read)
     */
    record Request(long index, String what, String method, String target, List<String[]> headers, byte[] body,
                   Length length, String source, boolean oversized) {
        byte[] bytes(int port) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            head.append("Connection: close\r\n");
            for (String[] header : headers) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            byte[] payload = body;
            switch (length) {
                case EXACT -> {
                    if (body.length > 0 || !method.equals("GET")) {
                        head.append("Content-Length: ").append(body.length).append("\r\n");
                    }
                }
                case MISSING -> {
                }
                case GARBLED -> head.append("Content-Length: ").append(body.length).append("x\r\n");
                case NEGATIVE -> head.append("Content-Length: -").append(body.length + 1).append("\r\n");
                case TWICE -> head.append("Content-Length: ").append(body.length).append("\r\nContent-Length: ")
                        .append(body.length + 1).append("\r\n");
                case CHUNKED -> {
                    head.append("Transfer-Encoding: chunked\r\n");
                    payload = chunked(body);
                }
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(payload);
            return out.toByteArray();
        }

        /** How to read this case in a failure report (long values cut). */
        String describe() {
            StringBuilder text = new StringBuilder("#" + index + " [" + what + "] " + method + " " + cut(target) + " from " + source);
            headers.forEach(h -> text.append("\n    ").append(h[0]).append(": ").append(cut(h[1])));
            text.append("\n    (").append(length).append(") body ").append(body.length).append(" bytes: ")
                    .append(cut(new String(body, StandardCharsets.UTF_8)));
            return text.toString();
        }

        private static String cut(String text) {
            return text.length() <= 160 ? text : text.substring(0, 160) + "...(" + text.length() + " chars)";
        }

        private static byte[] chunked(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int at = 0; at < body.length; at += 1000) {
                int size = Math.min(1000, body.length - at);
                out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, size);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }
    }

    static final int BODY_LIMIT = ApiRequest.MAX_BODY_BYTES;
    private static final long UNUSED_IDS = 900_000_000_000L;

    private static final String[] ODD_METHODS = {"PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", "Post", "FOO", "PROPFIND"};
    private static final String[] UNICODE = {
            "\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "x\\ud83d", "\\u202egnp.exe", "\\u200b", "\\ufeff", "\\uffff",
            "\u202e\u05d0\u05d1", "\ud83d\ude00\ud83c\udfab", "e\u0301", "\u0130", "\u00e9\u00e8", "\\\\", "\\\"", "\\n\\r\\t"};
    private static final String[] NUMBERS = {
            "-1", "0", "-0", "1.5", "1.0", "1e3", "1e400", "-1e400", "1E+2147483648", "0.1e-99999", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "1" + "0".repeat(400)};
    private static final String[] JSON_ODDITIES = {
            "null", "true", "false", "\"\"", "\"1\"", "\"NaN\"", "\"Infinity\"", "\"-0\"", "[]", "{}", "[null]", "[1,1]",
            "[-1]", "[0]", "[1e400]", "[9223372036854775808]", "[\"1\"]", "[[1]]", "{\"a\":1}"};
    private static final String[] MALFORMED = {
            "{", "}", "{\"a\":}", "{\"a\" 1}", "{'event_id': 1}", "{\"event_id\": NaN}", "{\"event_id\": Infinity}",
            "{\"event_id\": 1,}", "{\"event_id\": 01}", "{\"event_id\": +1}", "{\"event_id\": .5}", "{\"event_id\": 0x10}",
            "/* c */ {}", "{} {}", "{}x", "[1,]", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}",
            "nul", "tru", "\u0000", "{\"a\":1}\u0000"};
    private static final String[] PATH_ATTACKS = {
            "..%2F..%2Fetc%2Fpasswd", "..%2f", "%2e%2e", "%2F", "%00", "1%00", "%0d%0aSet-Cookie:%20a=b", "%25", "%252F",
            "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%FF%FE", "%F0%9F%98%80", "%D9%A1", "%EF%BC%91", "%E2%80%AE1", "1;x=y",
            "1%3Bx", "%20", "+", "1%2F2", "~", "1.", "%", "%zz", "%1", "1%"};
    private static final String[] CONTENT_TYPES = {
            "application/json; charset=utf-8", "application/json;charset=UTF-8", "application/json; charset=latin1",
            "application/json; charset=utf-16", "APPLICATION/JSON", "application/problem+json", "text/plain",
            "text/json", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/octet-stream", "application/jsonx", "application/x-ndjson", "", "json", "a/b/c", ";;;",
            "application/json\u00e9"};

    private final List<Route> routes;
    private final long seed;
    private final long eventId;
    private final long bookingId;

    /** @param eventId an event that exists, @param bookingId a booking that exists: so some ids are real */
    HostileRequests(List<Route> routes, long seed, long eventId, long bookingId) {
        this.routes = List.copyOf(routes);
        this.seed = seed;
        this.eventId = eventId;
        this.bookingId = bookingId;
    }

    Request generate(long index) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + index);
        Draw draw = new Draw(random);
        String source = "127." + (1 + random.nextInt(250)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(250));
        if (random.nextInt(100) < 12) {
            return pathAttack(index, draw, source);
        }
        Route route = draw.of(routes);
        boolean oddMethod = random.nextInt(100) < 15;
        String method = oddMethod ? draw.of(ODD_METHODS) : route.method();
        String user = "hostile-" + Long.toHexString(random.nextLong() & 0xffffffffffL);
        List<String> what = new ArrayList<>();
        what.add(route.toString());
        if (oddMethod) {
            what.add("method");
        }

        StringBuilder path = new StringBuilder();
        for (String segment : route.path().substring(1).split("/")) {
            path.append('/');
            if (segment.startsWith("{")) {
                String id = id(draw, segment);
                path.append(id);
            } else {
                path.append(segment);
            }
        }

        Map<String, String> query = new LinkedHashMap<>();
        boolean plainUser = random.nextInt(100) < 85;
        query.put("user_id", plainUser ? user : hostileText(draw, true));
        if (!plainUser) {
            what.add("user_id");
        }
        boolean plainQuery = true; // an extra parameter may be a malformed escape, which the gateway refuses first
        if (random.nextInt(100) < 35) {
            plainQuery = false;
            String name = draw.of("limit", "before", "format", "token", "max_concurrent", "session_duration", "user_id", "zzz", "");
            query.put(name + (query.containsKey(name) ? "&" + name + "=" + user : ""), queryValue(draw));
            what.add("query " + name);
        }
        if (random.nextInt(1000) < 5) {
            plainQuery = false;
            query.put("pad", "x".repeat(100 * 1024));
            what.add("100 KB query");
        }
        StringBuilder target = new StringBuilder(path);
        String separator = "?";
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            target.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
            separator = "&";
        }

        List<String[]> headers = new ArrayList<>();
        Body body = body(draw, route, what);
        if (body.contentType() != null) {
            headers.add(new String[] {"Content-Type", body.contentType()});
        }
        boolean cleanHeaders = true;
        if (random.nextInt(100) < 20) {
            String name = draw.of("X-Idempotency-Key", "Idempotency-Key");
            headers.add(new String[] {name, idempotencyKey(draw)});
            what.add("idempotency key");
            cleanHeaders = false;
        }
        if (random.nextInt(100) < 12) {
            headers.add(new String[] {"X-Waiting-Room-Token", token(draw)});
            what.add("admission token");
        }
        if (random.nextInt(100) < 8) {
            headers.add(new String[] {draw.of("Authorization", "If-None-Match", "Accept-Encoding", "Cookie", "X-Forwarded-For",
                    "X-Amzn-Trace-Id", "Accept", "X-Zzz"), headerValue(draw)});
            what.add("odd header");
        }
        if (random.nextInt(1000) < 5) {
            headers.add(new String[] {"X-Padding", "p".repeat(8 * 1024)});
            what.add("8 KB header");
        }

        Length length = Length.EXACT;
        int lengthDraw = random.nextInt(100);
        if (lengthDraw < 6) {
            length = draw.of(Length.MISSING, Length.GARBLED, Length.NEGATIVE, Length.TWICE, Length.CHUNKED);
            what.add("length " + length);
        }
        boolean readsBody = body.oversized() && method.equals(route.method()) && plainUser && plainQuery && cleanHeaders
                && length == Length.EXACT && route.method().equals("POST") && BASES.containsKey(route.path());
        return new Request(index, String.join(", ", what), method, target.toString(), headers, body.bytes(), length, source, readsBody);
    }

    private Request pathAttack(long index, Draw draw, String source) {
        Route route = draw.of(routes);
        String base = route.path().replaceAll("\\{[^}]+}", String.valueOf(eventId));
        String path = switch (draw.random.nextInt(11)) {
            case 0 -> base + "/";
            case 1 -> base.replace("/v1/", "//v1/");
            case 2 -> base + "/" + draw.of(PATH_ATTACKS);
            case 3 -> base.replace("/api/", "/api/v1/../");
            case 4 -> base.toUpperCase();
            case 5 -> "/" + "a/".repeat(1 + draw.random.nextInt(2000));
            case 6 -> base + "/" + "9".repeat(1 + draw.random.nextInt(6000));
            case 7 -> draw.of("/", "*", "/api", "/api/v1", "/api/v1/", "/%2e%2e/%2e%2e/etc/passwd", "/api%2Fv1%2Fevents",
                    "/api/v1/events%2F1", "/api/v1/events/1%2Fseats", "/api/v1/events/%zz", "/%", "/api/v1/events/%0", "//");
            case 8 -> base.replaceFirst("/[^/]+$", "/" + draw.of(PATH_ATTACKS));
            case 9 -> base + "#fragment";
            default -> base + "/..";
        };
        String method = draw.random.nextBoolean() ? route.method() : draw.of(ODD_METHODS);
        String user = "hostile-" + Long.toHexString(draw.random.nextLong() & 0xffffffffffL);
        return new Request(index, "path " + route, method, path + "?user_id=" + user, List.of(), new byte[0],
                Length.EXACT, source, false);
    }

    private String id(Draw draw, String segment) {
        int choice = draw.random.nextInt(100);
        String real = segment.contains("booking") ? String.valueOf(bookingId) : String.valueOf(eventId);
        if (choice < 35) {
            return real;
        }
        if (choice < 45) {
            // ids no other test's event or booking will have: the suite shares one stack, and an admin route
            // here could otherwise switch on the waiting room of an event another test is about to create
            return String.valueOf(UNUSED_IDS + draw.random.nextInt(1000));
        }
        if (choice < 75) {
            return draw.of(NUMBERS).replace("+", "%2B");
        }
        return draw.of(PATH_ATTACKS);
    }

    private String queryValue(Draw draw) {
        return switch (draw.random.nextInt(5)) {
            case 0 -> draw.of(NUMBERS).replace("+", "%2B");
            case 1 -> draw.of(PATH_ATTACKS);
            case 2 -> draw.of("full", "compact", "FULL", "", "%00", "gzip");
            case 3 -> String.valueOf(draw.random.nextInt(200));
            default -> hostileText(draw, true);
        };
    }

    /** Text, percent-encoded for a URL when {@code forUrl}: long, control characters, odd scripts. */
    private String hostileText(Draw draw, boolean forUrl) {
        String text = switch (draw.random.nextInt(9)) {
            case 0 -> "";
            case 1 -> "u".repeat(10_000);
            case 2 -> "\u0000";
            case 3 -> "\u202e\u05d0";
            case 4 -> "\ud83d\ude00";
            case 5 -> "-1";
            case 6 -> " ";
            case 7 -> "a b+c";
            default -> "admin";
        };
        if (!forUrl) {
            return text;
        }
        return switch (draw.random.nextInt(6)) {
            case 0 -> "%ED%A0%80";
            case 1 -> "%C0%80";
            case 2 -> "%FF";
            default -> java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
        };
    }

    private String idempotencyKey(Draw draw) {
        return switch (draw.random.nextInt(9)) {
            case 0 -> "k".repeat(10_000);
            case 1 -> "k".repeat(256);
            case 2 -> "\"quoted-" + draw.random.nextInt(1000) + "\"";
            case 3 -> "\"a\\\"b\"";
            case 4 -> "\"\"";
            case 5 -> "key with spaces";
            case 6 -> "\u00e9t\u00e9";
            case 7 -> " ";
            default -> "key-" + Long.toHexString(draw.random.nextLong());
        };
    }

    private String token(Draw draw) {
        return switch (draw.random.nextInt(7)) {
            case 0 -> "wr1." + "A".repeat(20_000) + ".sig";
            case 1 -> "wr1..";
            case 2 -> "wr1.e30.AAAA";
            case 3 -> "wr2.abc.def";
            case 4 -> "wr1.%%%.***";
            case 5 -> "";
            default -> "wr1." + "x".repeat(draw.random.nextInt(500)) + "." + "y".repeat(43);
        };
    }

    private String headerValue(Draw draw) {
        return switch (draw.random.nextInt(6)) {
            case 0 -> "Bearer " + "e".repeat(4000);
            case 1 -> "\"*\", W/\"x\", \"" + "e".repeat(300) + "\"";
            case 2 -> "gzip;q=0, br, *;q=1.5";
            case 3 -> "a=b; " + "c=d; ".repeat(200);
            case 4 -> "\u00e9\u00e8";
            default -> "1.2.3.4, 999.999.999.999, ::1";
        };
    }

    /** A body: its bytes, the content type it is sent as (null for none), and whether it is over the limit. */
    private record Body(byte[] bytes, String contentType, boolean oversized) {
    }

    /** Valid bodies of the routes that take one, field by field (values as JSON text). */
    private static final Map<String, Supplier<Map<String, String>>> BASES = Map.of(
            "/api/v1/events", () -> fields("name", "\"Hostile\"", "venue", "\"Arena\"", "starts_at", "\"2027-06-01T19:30:00Z\"",
                    "sections", "[{\"name\":\"A\",\"rows\":1,\"seats_per_row\":2,\"price\":10.00}]"),
            "/api/v1/bookings", () -> fields("event_id", "%EVENT%", "seat_ids", "[%SEAT%]"));

    private static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private Body body(Draw draw, Route route, List<String> what) {
        Supplier<Map<String, String>> base = BASES.getOrDefault(route.path(), () -> fields("zzz", "1"));
        Map<String, String> fields = base.get();
        String json = "application/json";
        int seat = 1 + draw.random.nextInt(300);
        int choice = draw.random.nextInt(100);
        String text;
        if (choice < 10) {
            what.add("no body");
            return new Body(new byte[0], draw.random.nextBoolean() ? null : json, false);
        } else if (choice < 25) {
            what.add("valid body");
            text = render(fields, seat);
        } else if (choice < 50) {
            String field = draw.random.nextInt(4) == 0 ? draw.of("zzz", "EVENT_ID", "eventId", "", "seat_ids ", "__proto__")
                    : draw.of(new ArrayList<>(fields.keySet()));
            String value = switch (draw.random.nextInt(5)) {
                case 0 -> draw.of(NUMBERS);
                case 1 -> draw.of(JSON_ODDITIES);
                case 2 -> "\"" + draw.of(UNICODE) + "\"";
                case 3 -> "\"" + "v".repeat(1 + draw.random.nextInt(20_000)) + "\"";
                default -> "[" + "1,".repeat(draw.random.nextInt(3000)) + "1]";
            };
            if (draw.random.nextInt(5) == 0) {
                fields.remove(draw.of(new ArrayList<>(fields.keySet())));
            }
            fields.put(field, value);
            what.add("field " + field);
            text = render(fields, seat);
        } else if (choice < 58) {
            what.add("section field");
            String value = draw.of(draw.of(NUMBERS), draw.of(JSON_ODDITIES), "\"" + draw.of(UNICODE) + "\"");
            String name = draw.of("name", "rows", "seats_per_row", "price", "zzz");
            text = render(fields, seat).replace("\"" + name + "\":", "\"" + name + "\":" + value + ",\"_\":");
        } else if (choice < 66) {
            what.add("malformed");
            text = draw.random.nextBoolean() ? draw.of(MALFORMED) : truncated(draw, render(fields, seat));
        } else if (choice < 71) {
            what.add("duplicate key");
            String first = fields.keySet().iterator().next();
            text = "{\"" + first + "\":" + draw.of(NUMBERS) + "," + render(fields, seat).substring(1);
        } else if (choice < 75) {
            what.add("BOM");
            return new Body(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(render(fields, seat))), json, false);
        } else if (choice < 80) {
            what.add("not an object");
            text = draw.of(NUMBERS) + draw.of("", " ", "\n");
            text = draw.random.nextBoolean() ? text : draw.of(JSON_ODDITIES);
        } else if (choice < 83) {
            what.add("deep nesting");
            int depth = 100 + draw.random.nextInt(5000);
            text = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        } else if (choice < 88) {
            what.add("bytes not UTF-8");
            byte[] odd = draw.of(List.of(new byte[] {(byte) 0xE9}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {0}));
            byte[] valid = bytes(render(fields, seat));
            int at = 1 + draw.random.nextInt(valid.length - 1);
            return new Body(concat(concat(java.util.Arrays.copyOf(valid, at), odd), java.util.Arrays.copyOfRange(valid, at, valid.length)),
                    draw.of(json, "application/json; charset=latin1", "text/plain; charset=iso-8859-1"), false);
        } else if (choice < 96) {
            what.add("content type");
            return new Body(bytes(render(fields, seat)), draw.of(CONTENT_TYPES), false);
        } else {
            what.add("oversized");
            int size = BODY_LIMIT + 1 + draw.random.nextInt(BODY_LIMIT);
            fields.put("zzz", "\"" + "o".repeat(size) + "\"");
            return new Body(bytes(render(fields, seat)), json, true);
        }
        return new Body(bytes(text), json, false);
    }

    private String render(Map<String, String> fields, int seat) {
        StringBuilder text = new StringBuilder("{");
        fields.forEach((name, value) -> text.append(text.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value));
        return text.append('}').toString()
                .replace("%EVENT%", String.valueOf(eventId))
                .replace("%SEAT%", String.valueOf(seat));
    }

    private static String truncated(Draw draw, String text) {
        return text.substring(0, draw.random.nextInt(text.length()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Draws from lists with the case's own random source. */
    private record Draw(Random random) {
        @SafeVarargs
        final <T> T of(T... options) {
            return options[random.nextInt(options.length)];
        }

        <T> T of(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }
    }
}
