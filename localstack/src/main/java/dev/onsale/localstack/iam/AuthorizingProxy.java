package dev.onsale.localstack.iam;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of an emulator (DynamoDB Local, ElasticMQ, or an external endpoint) as IAM stands in
 * front of AWS's services: a call signed with a function's credentials (SigV4's access key id names the
 * function) is checked against that function's role, action by action and resource by resource, and
 * answered with the service's own AccessDenied when a permission is missing. Allowed calls, and calls
 * signed with any other key (the stack's own, a test's: the account's administrator), go on to the
 * emulator unchanged but for the signature's key, which becomes the stack's, so that the emulator (which
 * keeps one database per key) sees one account.
 */
public final class AuthorizingProxy implements HttpHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthorizingProxy.class);
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
    /** Hop-by-hop headers, and what the HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "proxy-connection", "te", "trailer", "date", "x-amz-security-token");

    private final String service;
    private final ServiceRequests requests;
    private final String upstream;
    private final Map<String, FunctionRole> rolesByAccessKey;
    private final String accountId;
    private final String forwardingAccessKeyId;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private AuthorizingProxy(String service, ServiceRequests requests, URI upstream, Map<String, FunctionRole> rolesByAccessKey,
                             String accountId, String forwardingAccessKeyId) {
        this.service = service;
        this.requests = requests;
        this.upstream = upstream.toString().replaceAll("/+$", "");
        this.rolesByAccessKey = rolesByAccessKey;
        this.accountId = accountId;
        this.forwardingAccessKeyId = forwardingAccessKeyId;
    }

    /**
     * In front of DynamoDB and DynamoDB Streams.
     *
     * @param rolesByAccessKey  the functions' roles by their credentials' access key id; read at each call, so
     *                          it may be filled after the proxy starts
     * @param stackAccessKeyId  the key the emulator gets every call under
     */
    public static AuthorizingProxy dynamoDb(URI upstream, ResourceArns arns, Map<String, FunctionRole> rolesByAccessKey,
                                            String stackAccessKeyId) {
        return new AuthorizingProxy("dynamodb", new DynamoDbRequests(arns), upstream, rolesByAccessKey, arns.accountId(), stackAccessKeyId);
    }

    /** In front of SQS; see {@link #dynamoDb}. */
    public static AuthorizingProxy sqs(URI upstream, ResourceArns arns, Map<String, FunctionRole> rolesByAccessKey,
                                       String stackAccessKeyId) {
        return new AuthorizingProxy("sqs", new SqsRequests(arns), upstream, rolesByAccessKey, arns.accountId(), stackAccessKeyId);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Headers headers = exchange.getRequestHeaders();
        Function<String, String> header = headers::getFirst;
        FunctionRole role = role(header.apply("Authorization"));
        if (role != null) {
            for (AccessRequest needed : requests.required(header, body)) {
                Decision decision = role.policy().evaluate(needed);
                if (decision != Decision.ALLOWED) {
                    refuse(exchange, requests.denial(header, role, accountId, needed, decision, UUID.randomUUID().toString()),
                            role, needed, decision);
                    return;
                }
            }
        }
        forward(exchange, headers, body);
    }

    private FunctionRole role(String authorization) {
        if (authorization == null) {
            return null;
        }
        Matcher credential = CREDENTIAL.matcher(authorization);
        return credential.find() ? rolesByAccessKey.get(credential.group(1)) : null;
    }

    private void refuse(HttpExchange exchange, ServiceRequests.Answer denial, FunctionRole role, AccessRequest refused,
                        Decision decision) throws IOException {
        String what = role.functionLogicalId() + " " + refused;
        if (reported.add(what)) {
            log.warn("IAM: {} may not {} ({}); refused with AccessDenied, as AWS would", role.functionLogicalId(), refused,
                    decision == Decision.EXPLICITLY_DENIED ? "a Deny of its role's policies refuses it" : "no statement of its role's policies allows it");
        } else {
            log.debug("IAM: {} may not {}", role.functionLogicalId(), refused);
        }
        denial.headers().forEach(exchange.getResponseHeaders()::set);
        send(exchange, denial.status(), denial.body());
    }

    private void forward(HttpExchange exchange, Headers headers, byte[] body) throws IOException {
        URI requested = exchange.getRequestURI();
        String target = upstream + requested.getRawPath() + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(60));
        headers.forEach((name, values) -> {
            if (NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                return;
            }
            for (String value : values) {
                request.header(name, name.equalsIgnoreCase("Authorization") ? asStack(value) : value);
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(exchange, "interrupted");
            return;
        } catch (IOException e) {
            log.warn("IAM proxy: {} at {} did not answer: {}", service, upstream, e.toString());
            unavailable(exchange, e.toString());
            return;
        }
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(":") && !lower.equals("content-length") && !lower.equals("transfer-encoding")
                    && !lower.equals("connection") && !lower.equals("date") && !lower.equals("keep-alive")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        send(exchange, response.statusCode(), response.body());
    }

    /** The signature's access key id replaced by the stack's (the signature itself is not checked by emulators). */
    private String asStack(String authorization) {
        return CREDENTIAL.matcher(authorization).replaceFirst("Credential=" + Matcher.quoteReplacement(forwardingAccessKeyId) + "/");
    }

    private void unavailable(HttpExchange exchange, String detail) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        String json = "{\"__type\":\"com.amazon.coral.service#ServiceUnavailableException\",\"message\":\"the local "
                + service + " did not answer: " + detail.replace("\\", "\\\\").replace("\"", "'") + "\"}";
        send(exchange, 503, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends its connections to the emulator; calls still in flight fail. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
