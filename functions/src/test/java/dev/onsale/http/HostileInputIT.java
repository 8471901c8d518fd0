package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.Template;
import dev.onsale.platform.Json;
import dev.onsale.testing.DynamoDbWrites;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.RawHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input, generated: {@value #DEFAULT_REQUESTS} requests (or {@code -Dhostile.requests}) drawn by
 * {@link HostileRequests} from a seed (random, or {@code -Dhostile.seed}; {@code -Dhostile.case} runs one
 * case alone) against every route of template.yaml, sent byte by byte through the local gateway, from many
 * users and loopback addresses. Every answer must be below 500 (but for a 503 with Retry-After: a dependency,
 * Redis, too slow on a loaded machine, as the guards document) and name nothing internal; every refusal
 * must be JSON with {@code error} and {@code detail}, and must have written nothing to DynamoDB (seen by
 * the {@link DynamoDbWrites} interceptor on the functions' own client).
 */
@ExtendWith(EmbeddedStack.class)
class HostileInputIT {
    private static final int DEFAULT_REQUESTS = 10_000;
    private static final int IN_FLIGHT = 64;
    /**
     * Words of stack traces and class names: none may reach a client. A package name counts where a
     * name can start, not inside a token (a signed token's base64 once held "Zjdk.").
     */
    private static final Pattern INTERNAL = Pattern.compile("(?<![A-Za-z0-9_-])(dev\\.onsale|java\\.|javax\\.|jdk\\.|sun\\."
            + "|software\\.amazon|io\\.lettuce|io\\.netty|com\\.fasterxml)|jackson|Exception|\tat |Caused by|NullPointer");

    private final LocalStack stack;
    private final Gateway api;

    HostileInputIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl());
    }

    /** Every HTTP route of the template, so a new route is attacked as soon as it exists. */
    static List<HostileRequests.Route> routes(Template template) {
        return routes(template.resourcesOfType(Template.SERVERLESS_FUNCTION).toArray(Template.Resource[]::new));
    }

    private static List<HostileRequests.Route> routes(Template.Resource... functions) {
        List<HostileRequests.Route> routes = new ArrayList<>();
        for (Template.Resource function : functions) {
            if (function.properties().get("Events") instanceof Map<?, ?> events) {
                for (Object event : events.values()) {
                    if (event instanceof Map<?, ?> source && "HttpApi".equals(source.get("Type"))
                            && source.get("Properties") instanceof Map<?, ?> properties
                            && properties.get("Path") instanceof String path && properties.get("Method") instanceof String method) {
                        routes.add(new HostileRequests.Route(method.toUpperCase(java.util.Locale.ROOT), path));
                    }
                }
            }
        }
        return routes;
    }

    @Test
    void noHostileRequestGetsA5xxALeakOrAWrite() throws Exception {
        long seed = Long.getLong("hostile.seed", ThreadLocalRandom.current().nextLong());
        int requests = Integer.getInteger("hostile.requests", DEFAULT_REQUESTS);
        Long onlyCase = Long.getLong("hostile.case");
        List<HostileRequests.Route> routes = routes(stack.template());
        assertTrue(routes.size() >= 10, "routes read from template.yaml: " + routes);

        long eventId = api.post("/api/v1/events?user_id=hostile-admin", Events.concert("Hostile input", 2)).json().get("id").asLong();
        Gateway.Reply booking = api.post("/api/v1/bookings?user_id=hostile-owner", "{\"event_id\": " + eventId + ", \"seat_ids\": [300]}");
        assertEquals(201, booking.status(), booking.body());
        HostileRequests generator = new HostileRequests(routes, seed, eventId, booking.json().get("id").asLong());

        Map<Long, String> violations = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger answeredWithWrites = new AtomicInteger();
        int port = stack.gatewayUrl().getPort();
        long started = System.nanoTime();
        DynamoDbWrites.start();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            long first = onlyCase == null ? 0 : onlyCase;
            long end = onlyCase == null ? requests : onlyCase + 1;
            for (long index = first; index < end; index++) {
                HostileRequests.Request request = generator.generate(index);
                inFlight.acquire();
                pool.submit(() -> {
                    try {
                        RawHttp.Reply reply = RawHttp.exchange(InetAddress.getByName(request.source()), port, request.bytes(port));
                        statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                        String problem = problem(request, reply);
                        if (problem != null) {
                            violations.put(request.index(), problem + "\n  " + request.describe()
                                    + "\n  answer " + reply.status() + " " + reply.headers() + "\n    " + cut(reply.text()));
                        } else if (reply.status() < 400 && reply.header("apigw-requestid").map(DynamoDbWrites::of)
                                .filter(writes -> !writes.isEmpty()).isPresent()) {
                            answeredWithWrites.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        violations.put(request.index(), "no answer: " + e + "\n  " + request.describe());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } finally {
            DynamoDbWrites.stop();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("hostile input: seed %d, %d requests in %.1f s, statuses %s, %d successful answers wrote%n",
                seed, end(onlyCase, requests), seconds, new TreeMap<>(statuses), answeredWithWrites.get());
        if (!violations.isEmpty()) {
            StringBuilder report = new StringBuilder(violations.size() + " of " + end(onlyCase, requests)
                    + " hostile requests were answered wrongly. Re-run with -Dhostile.seed=" + seed
                    + " (and -Dhostile.case=N for one case). First ones:\n");
            new TreeMap<>(violations).values().stream().limit(15).forEach(v -> report.append(v).append("\n"));
            fail(report.toString());
        }
        if (onlyCase == null) {
            // the oracles saw real work: some requests were served, some wrote (so writes are being recorded)
            assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 200 && s < 300), "no request was served: " + statuses);
            assertTrue(answeredWithWrites.get() > 0, "no successful request wrote to DynamoDB: the write recorder is not wired");
        }
    }

    private static long end(Long onlyCase, int requests) {
        return onlyCase == null ? requests : 1;
    }

    /** What is wrong with {@code reply} to {@code request}; null when nothing is. */
    static String problem(HostileRequests.Request request, RawHttp.Reply reply) {
        int status = reply.status();
        if (status == 0) {
            return "the connection closed without an answer";
        }
        if (status >= 500 && !(status == 503 && reply.header("retry-after").isPresent())) {
            return "a server error";
        }
        String text = reply.text();
        Matcher internal = INTERNAL.matcher(text);
        if (internal.find()) {
            return "the answer names something internal (" + internal.group().strip() + ")";
        }
        if (request.oversized() && status != 413 && status != 429) {
            return "an oversized body was not refused with 413";
        }
        if (status < 400) {
            return null;
        }
        if (!request.method().equalsIgnoreCase("HEAD")) {
            if (!reply.header("content-type").orElse("").startsWith("application/json")) {
                return "a refusal that is not JSON";
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(reply.body());
            } catch (IOException e) {
                return "a refusal whose body does not parse as JSON";
            }
            if (body == null || !body.path("error").isTextual() || !body.path("detail").isTextual()
                    || body.path("error").asText().isBlank() || body.path("detail").asText().isBlank()) {
                return "a refusal without string fields error and detail";
            }
        }
        List<String> writes = reply.header("apigw-requestid").map(DynamoDbWrites::of).orElse(List.of());
        if (!writes.isEmpty()) {
            return "a refused request wrote to DynamoDB: " + writes;
        }
        return null;
    }

    private static String cut(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Test
    void theWriteRecorderSeesAServedRequestsWrites() {
        DynamoDbWrites.start();
        try {
            Gateway.Reply created = api.post("/api/v1/events?user_id=hostile-admin", Events.concert("Recorded", 1));
            assertEquals(201, created.status(), created.body());
            assertFalse(DynamoDbWrites.of(created.header("apigw-requestid").orElseThrow()).isEmpty(), DynamoDbWrites.all().toString());
        } finally {
            DynamoDbWrites.stop();
        }
    }

    /** Events API Gateway would never send as such, but a handler must survive: what HTTP cannot express. */
    private static List<APIGatewayV2HTTPEvent> craftedEvents(String method, String path) {
        String latin1 = Base64.getEncoder().encodeToString("{\"event_id\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        List<APIGatewayV2HTTPEvent> events = new ArrayList<>();
        events.add(new APIGatewayV2HTTPEvent()); // no request context, path, headers or body at all
        for (String body : List.of("not base64 %%%", latin1, Base64.getEncoder().encodeToString(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))) {
            events.add(crafted(method, path, Map.of("content-type", "application/json"), body, true));
        }
        events.add(crafted(method, path, Map.of("content-type", "application/json"), "{\"event_id\":\"\ud800\",\"name\":\"\udc00\"}", false));
        events.add(crafted(method, path, Map.of("Content-Type", "text/plain"), "{}", false));
        events.add(crafted(method, path, null, null, false));
        events.add(crafted(method, "/\ud800" + path, Map.of(), "", false));
        return events;
    }

    private static APIGatewayV2HTTPEvent crafted(String method, String path, Map<String, String> headers, String body, boolean base64) {
        String filled = path.replaceAll("\\{[^}]+}", "\u0661");
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(method + " " + path)
                .withRawPath(filled)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withQueryStringParameters(Map.of("limit", "\ud800", "before", "\u0661", "token", "\u0000"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(filled).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", "crafted-" + ThreadLocalRandom.current().nextInt(1_000_000),
                                                "cognito:groups", "[admin]")).build()).build())
                        .build())
                .build();
    }

    @Test
    void everyHandlerSurvivesEventsHttpCannotExpress() {
        List<String> problems = new ArrayList<>();
        int invocations = 0;
        for (Template.Resource function : stack.template().resourcesOfType(Template.SERVERLESS_FUNCTION)) {
            List<HostileRequests.Route> routes = routes(new Template.Resource[] {function});
            for (HostileRequests.Route route : routes) {
                for (APIGatewayV2HTTPEvent event : craftedEvents(route.method(), route.path())) {
                    invocations++;
                    Object result;
                    try {
                        result = stack.invoke(function.logicalId(), event);
                    } catch (RuntimeException e) {
                        problems.add(route + ": threw " + e);
                        continue;
                    }
                    if (!(result instanceof APIGatewayV2HTTPResponse response)) {
                        problems.add(route + ": answered " + result);
                        continue;
                    }
                    String text = response.getBody() == null ? "" : response.getBody();
                    RawHttp.Reply reply = new RawHttp.Reply(response.getStatusCode(),
                            response.getHeaders() == null ? Map.of() : lowerCased(response.getHeaders()),
                            response.getIsBase64Encoded() ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8));
                    HostileRequests.Request asRequest = new HostileRequests.Request(invocations, "crafted event", route.method(),
                            String.valueOf(event.getRawPath()), List.of(), new byte[0], HostileRequests.Length.EXACT, "", false);
                    String problem = problem(asRequest, reply);
                    if (problem != null) {
                        problems.add(route + " with " + event.getHeaders() + " / " + event.getBody() + ": " + problem
                                + " (" + reply.status() + " " + cut(reply.text()) + ")");
                    }
                }
            }
        }
        assertTrue(invocations >= 50, "crafted invocations: " + invocations);
        assertTrue(problems.isEmpty(), problems.size() + " crafted events were answered wrongly:\n" + String.join("\n", problems));
    }

    private static Map<String, String> lowerCased(Map<String, String> headers) {
        Map<String, String> lower = new java.util.HashMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(java.util.Locale.ROOT), value));
        return lower;
    }
}
