package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What this server adds to Jetty, on raw bytes: every refusal is JSON {@code {"error", "detail"}} (Jetty's own
 * and the exchange's), and a handler sees the request as an {@code HttpExchange}. Jetty's framing itself is Jetty's.
 */
class LoopbackHttpServerTest {
    private static LoopbackHttpServer server;

    @BeforeAll
    static void start() {
        server = LoopbackHttpServer.bind(InetAddress.getLoopbackAddress(), 0, 50);
        server.start(exchange -> {
            if (exchange.getRequestURI().getRawPath().equals("/fails")) {
                throw new IllegalStateException("a handler bug");
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            String echo = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " " + body.length + " "
                    + new String(body, StandardCharsets.UTF_8);
            byte[] bytes = echo.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            exchange.close();
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends {@code request} and reads until the server closes. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            } catch (SocketException refusedEarly) {
                // the answer is still there to read
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // read what came before
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonRefusal(String reply, int status, String error) throws IOException {
        assertTrue(reply.startsWith("HTTP/1.1 " + status + " "), reply);
        assertTrue(reply.toLowerCase(Locale.ROOT).contains("content-type: application/json"), reply);
        assertFalse(reply.contains("Exception") || reply.contains("Jetty") || reply.contains("<html"), reply);
        JsonNode body = LambdaJson.mapper().readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4));
        assertEquals(error, body.path("error").asText());
        assertFalse(body.path("detail").asText().isBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/%zz", "/a/%", "/a/1%", "/a/\"x\"", "/a/{x}"})
    void aPathThatIsNoUriIsA400InJson(String path) throws IOException {
        assertJsonRefusal(exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 3x", "Content-Length: -1", "Content-Length: 1\r\nContent-Length: 2",
            "Transfer-Encoding: chunked\r\nContent-Length: 3"})
    void whatJettysParserRefusesIsA400InJson(String header) throws IOException {
        assertJsonRefusal(exchange("POST /a HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\nabc"), 400, "bad_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATCH", "DELETE", "FOO", "Post"})
    void aRefusalOfAnyMethodHasItsJsonBody(String method) throws IOException {
        assertJsonRefusal(exchange(method + " /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc"), 400, "bad_request");
    }

    @Test
    void aHeadOverTheLimitIsA431InJson() throws IOException {
        String padding = "x".repeat(LoopbackHttpServer.MAX_HEAD_BYTES);
        assertJsonRefusal(exchange("GET /a HTTP/1.1\r\nX-Padding: " + padding + "\r\n\r\n"), 431, "request_header_fields_too_large");
    }

    @Test
    void aBodyOverApiGatewaysQuotaIsA413InJsonBeforeItIsSent() throws IOException {
        assertJsonRefusal(exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: " + (LoopbackHttpServer.MAX_BODY_BYTES + 1) + "\r\n\r\n"),
                413, "payload_too_large");
    }

    @Test
    void aChunkedBodyOverTheQuotaIsA413InJson() throws IOException {
        StringBuilder request = new StringBuilder("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(1 << 20);
        for (int i = 0; i <= LoopbackHttpServer.MAX_BODY_BYTES >> 20; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");
        assertJsonRefusal(exchange(request.toString()), 413, "payload_too_large");
    }

    @Test
    void aHandlerThatThrowsIsA500AsApiGatewayAnswersIt() throws IOException {
        String reply = exchange("GET /fails HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 500 "), reply);
        assertTrue(reply.endsWith(PayloadFormatV2.INTERNAL_SERVER_ERROR), reply);
    }

    @Test
    void theHandlerSeesTheBodyWhetherChunkedOrMissing() throws IOException {
        assertTrue(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").endsWith("POST /a 5 abcde"));
        assertTrue(exchange("POST /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("POST /a 0 "));
    }

    @Test
    void keepAliveServesRequestsInTurn() throws IOException {
        String reply = exchange("GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(reply.contains("GET /one 0 "), reply);
        assertTrue(reply.contains("POST /two 2 hi"), reply);
        assertTrue(reply.endsWith("GET /three 0 "), reply);
    }
}
