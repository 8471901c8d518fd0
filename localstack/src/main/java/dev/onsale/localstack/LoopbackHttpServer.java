package dev.onsale.localstack;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 on a loopback address, for the local gateway and the IAM proxies: Jetty 12 (its core API, no servlets),
 * each request on a virtual thread, handed to a JDK {@link HttpHandler} as an {@link HttpExchange}-shaped
 * {@link JettyHttpExchange}. Every request it will not hand on is answered with a JSON {@code {"error", "detail"}},
 * not Jetty's HTML error page: what Jetty's parser refuses (a malformed request line or header, a garbled or doubled
 * Content-Length, a target over its limit: 400, 414, 431, ...) and what the exchange refuses (a path
 * {@link java.net.URI} cannot hold, a body over API Gateway's 10 MB quota: 413).
 */
final class LoopbackHttpServer implements AutoCloseable {

    /** Request line and headers together; API Gateway itself takes 10 KB of headers, clients' real ones are smaller. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** API Gateway HTTP APIs' payload quota. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final long IDLE_MILLIS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(LoopbackHttpServer.class);

    private final Server server;
    private final ServerConnector connector;

    private LoopbackHttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Listens on {@code address:port} (0 for a free port); connections wait in the backlog until {@link #start}. */
    static LoopbackHttpServer bind(InetAddress address, int port, int backlog) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("loopback-http-" + port);
        threads.setDaemon(true);
        // handlers block (a function's Redis and DynamoDB calls): each request gets a virtual thread of its own, as many
        // at once as come (a pool of 256 platform threads measured the same on the seat map, and would queue a surge)
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEAD_BYTES);
        // hand every path on as received (encoded slashes, dot segments, bad UTF-8): the route table decides, as API Gateway's does
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostAddress());
        connector.setPort(port);
        connector.setAcceptQueueSize(backlog);
        connector.setIdleTimeout(IDLE_MILLIS);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrors());
        try {
            connector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
        }
        return new LoopbackHttpServer(server, connector);
    }

    void start(HttpHandler handler) {
        server.setHandler(new Dispatch(handler));
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server on port " + port() + " did not start", e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("stopping the HTTP server on port {} failed", port(), e);
        }
    }

    /** Each request to the handler, on the virtual thread Jetty runs a blocking handler on. */
    private static final class Dispatch extends Handler.Abstract {
        private final HttpHandler handler;

        Dispatch(HttpHandler handler) {
            this.handler = handler;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            JettyHttpExchange exchange = JettyHttpExchange.accept(request, response, callback);
            if (exchange == null) {
                return true; // refused or failed already, and answered
            }
            try {
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                log.error("the handler failed on {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            } finally {
                exchange.close(); // sends the answer, a 500 when the handler sent none
            }
            return true;
        }
    }

    /** Jetty's answer to what it refuses, as JSON: the status's name as {@code error}, what was wrong as {@code detail}. */
    private static final class JsonErrors extends ErrorHandler {
        /** Jetty writes an error body for GET, POST and HEAD only; the gateway answers every method alike. */
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                        Callback callback) {
            String body = status == HttpStatus.INTERNAL_SERVER_ERROR_500 ? PayloadFormatV2.INTERNAL_SERVER_ERROR : LocalHttpApi.errorJson(errorName(status), detail(status, message));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put("apigw-requestid", RequestIds.apiGatewayRequestId());
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        }

        private static String errorName(int status) {
            if (status == HttpStatus.PAYLOAD_TOO_LARGE_413) {
                return "payload_too_large";
            }
            String reason = HttpStatus.getMessage(status);
            return reason == null ? "bad_request" : reason.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        }

        /** Jetty's message when it says more than the status's name ("Invalid Content-Length Value"), else a sentence of ours. */
        private static String detail(int status, String message) {
            if (message != null && !message.isBlank() && !message.equalsIgnoreCase(HttpStatus.getMessage(status))
                    && !message.contains("Exception")) {
                return message;
            }
            return switch (status) {
                case HttpStatus.BAD_REQUEST_400 -> "The request is not well-formed HTTP/1.1 (its request line, path, headers or body framing)";
                case HttpStatus.URI_TOO_LONG_414 -> "The request target is longer than this server takes";
                case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
                        "The request line and headers may take at most " + MAX_HEAD_BYTES + " bytes";
                case HttpStatus.PAYLOAD_TOO_LARGE_413 -> "The body may be at most " + MAX_BODY_BYTES + " bytes";
                default -> "The request was refused: " + status + " " + HttpStatus.getMessage(status);
            };
        }
    }
}
