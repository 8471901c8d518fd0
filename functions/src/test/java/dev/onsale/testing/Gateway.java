package dev.onsale.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.platform.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** An HTTP client for the local gateway, as a fan's or an admin's client would call it. */
public final class Gateway {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final HttpClient http;

    public Gateway(URI base) {
        this.base = base;
        this.http = HTTP;
    }

    /**
     * A client whose connections come from {@code sourceAddress}, e.g. {@code 127.0.0.23}: on Linux every
     * 127.x.y.z is loopback, so a test can be "another fan's address" (API Gateway's {@code sourceIp}).
     */
    public Gateway(URI base, String sourceAddress) {
        this.base = base;
        try {
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .localAddress(InetAddress.getByName(sourceAddress)).build();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(sourceAddress, e);
        }
    }

    /** One answer: status, headers and body as bytes and text. */
    public record Reply(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
        public String body() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + body(), e);
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public Reply get(String path, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    public Reply post(String path, String json, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    public Reply send(String method, String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private Reply send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
