package dev.onsale.localstack.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalSecretsManager} on HTTP, bound to 127.0.0.1, speaking the protocol the AWS SDKs speak to Secrets Manager
 * (JSON 1.1: {@code POST /}, {@code X-Amz-Target: secretsmanager.OPERATION}, a JSON body; errors as HTTP 400 with
 * {@code __type}). Requests are not authenticated: any signature, or none, is taken.
 */
public final class SecretsManagerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretsManagerServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "secretsmanager.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final HttpServer server;
    private final ExecutorService requests;
    private final LocalSecretsManager secrets;

    private SecretsManagerServer(HttpServer server, ExecutorService requests, LocalSecretsManager secrets) {
        this.server = server;
        this.requests = requests;
        this.secrets = secrets;
    }

    /** Serves {@code secrets} on {@code 127.0.0.1:port} (0: a free port). */
    public static SecretsManagerServer start(int port, LocalSecretsManager secrets) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for Secrets Manager", e);
        }
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(requests);
        SecretsManagerServer endpoint = new SecretsManagerServer(server, requests, secrets);
        server.createContext("/", endpoint::handle);
        server.start();
        return endpoint;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public LocalSecretsManager secrets() {
        return secrets;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                answer(exchange, 400, error("UnknownOperationException",
                        "Secrets Manager takes POST / with X-Amz-Target: secretsmanager.OPERATION"));
                return;
            }
            String operation = target.substring(TARGET_PREFIX.length());
            JsonNode request;
            try (InputStream body = exchange.getRequestBody()) {
                byte[] bytes = body.readAllBytes();
                request = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            } catch (IOException e) {
                answer(exchange, 400, error("SerializationException", "The request body is not JSON"));
                return;
            }
            try {
                answer(exchange, 200, secrets.call(operation, request));
            } catch (SecretsManagerException e) {
                log.debug("{} refused: {} {}", operation, e.type(), e.getMessage());
                exchange.getResponseHeaders().set("x-amzn-ErrorType", e.type());
                answer(exchange, 400, error(e.type(), e.getMessage()));
            } catch (RuntimeException e) {
                log.error("{} failed", operation, e);
                answer(exchange, 500, error("InternalServiceError", "The local Secrets Manager failed: " + e));
            }
        }
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("Message", message);
        return body;
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdown();
    }

    @Override
    public String toString() {
        return "Secrets Manager on " + endpoint();
    }
}
