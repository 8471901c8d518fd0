package dev.onsale.localstack;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local gateway's HTTP/1.1 server: one virtual thread per connection, keep-alive, bodies by
 * Content-Length or chunked. It hands each well-formed request to its handler as an {@link HttpExchange},
 * and answers every request it cannot take with a JSON {@code {"error", "detail"}} of its own: a malformed
 * request line, path ({@code %zz}) or header, a garbled, negative or conflicting Content-Length (400), a head
 * over {@value #MAX_HEAD_BYTES} bytes (431), a body over API Gateway's 10 MB payload quota (413). The JDK's
 * built-in server answers those with HTML naming Java exceptions ("URISyntaxException thrown").
 */
final class LocalHttpServer implements AutoCloseable {

    /** Request line and headers together; API Gateway itself takes 10 KB of headers, clients' real ones are smaller. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** API Gateway HTTP APIs' payload quota. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final int IDLE_MILLIS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(LocalHttpServer.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"), Map.entry(201, "Created"),
            Map.entry(202, "Accepted"), Map.entry(204, "No Content"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(402, "Payment Required"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(409, "Conflict"), Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(503, "Service Unavailable"));

    /** A request the server answers itself. */
    private static final class Refused extends Exception {
        final int status;
        final String error;

        Refused(int status, String error, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    private final ServerSocket listener;
    private volatile HttpHandler handler;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private LocalHttpServer(ServerSocket listener) {
        this.listener = listener;
    }

    /** Listens on {@code address:port} (0 for a free port); connections wait in the backlog until {@link #start}. */
    static LocalHttpServer bind(InetAddress address, int port, int backlog) {
        ServerSocket listener;
        try {
            listener = new ServerSocket(port, backlog, address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
        }
        return new LocalHttpServer(listener);
    }

    void start(HttpHandler handler) {
        this.handler = handler;
        Thread.ofPlatform().daemon().name("local-gateway-accept-" + listener.getLocalPort()).start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing the listener failed", e);
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        connections.shutdown();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true); // headers and body go out in one write anyway; no Nagle stall on keep-alive
                connections.submit(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.warn("accepting a connection failed", e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        open.add(socket);
        try (socket) {
            socket.setSoTimeout(IDLE_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            boolean keepAlive = true;
            while (keepAlive) {
                Exchange exchange;
                try {
                    exchange = read(socket, in, out);
                } catch (Refused refused) {
                    refuse(socket, in, out, refused);
                    return;
                }
                if (exchange == null) {
                    return;
                }
                try {
                    handler.handle(exchange);
                } catch (RuntimeException e) {
                    log.error("the gateway failed on {} {}", exchange.method, exchange.uri, e);
                    if (exchange.status < 0) {
                        exchange.getResponseHeaders().set("Content-Type", "application/json");
                        exchange.sendResponseHeaders(500, 0);
                        exchange.body.writeBytes(PayloadFormatV2.INTERNAL_SERVER_ERROR.getBytes(StandardCharsets.UTF_8));
                    }
                }
                exchange.close();
                keepAlive = exchange.keepAlive && !exchange.clientGone;
            }
        } catch (IOException e) {
            log.debug("connection from {} ended", socket.getRemoteSocketAddress(), e);
        } finally {
            open.remove(socket);
        }
    }

    /** Reads one request; null when the client closed the connection between requests. */
    private Exchange read(Socket socket, InputStream in, OutputStream out) throws IOException, Refused {
        List<String> lines = readHead(in);
        if (lines == null) {
            return null;
        }
        String[] requestLine = lines.getFirst().split(" ", -1);
        if (requestLine.length != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty()) {
            throw new Refused(400, "bad_request", "The request line is not METHOD PATH HTTP/1.1");
        }
        String version = requestLine[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Refused(400, "bad_request", "Only HTTP/1.1 and HTTP/1.0 are spoken here");
        }
        URI uri;
        try {
            uri = new URI(requestLine[1]);
        } catch (URISyntaxException e) {
            throw new Refused(400, "bad_request", "The request path is not a valid URI (a malformed percent-escape or character)");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            throw new Refused(400, "bad_request", "The request has no path");
        }
        Headers headers = new Headers();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Refused(400, "bad_request", "A header line is not NAME: VALUE");
            }
            headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        boolean keepAlive = keepAlive(version, headers.getFirst("Connection"));
        byte[] body = readBody(in, out, headers);
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        return new Exchange(requestLine[0], uri, version, headers, body, remote, local, out, keepAlive);
    }

    /** The request line and header lines, without line ends; null on a close before the first byte. */
    private static List<String> readHead(InputStream in) throws IOException, Refused {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (total == 0 && lines.isEmpty()) {
                    return null;
                }
                throw new IOException("the connection closed inside a request head");
            }
            if (++total > MAX_HEAD_BYTES) {
                throw new Refused(431, "request_header_fields_too_large",
                        "The request line and headers may take at most " + MAX_HEAD_BYTES + " bytes");
            }
            if (b != '\n') {
                head.write(b);
                continue;
            }
            byte[] bytes = head.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            head.reset();
            if (length == 0) {
                if (lines.isEmpty()) {
                    continue; // an empty line before the request line is tolerated (RFC 9112 2.2)
                }
                return lines;
            }
            if (!lines.isEmpty() && (bytes[0] == ' ' || bytes[0] == '\t')) {
                throw new Refused(400, "bad_request", "Folded header lines are not accepted");
            }
            lines.add(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] readBody(InputStream in, OutputStream out, Headers headers) throws IOException, Refused {
        List<String> transferEncoding = headers.get("Transfer-Encoding");
        List<String> contentLength = headers.get("Content-Length");
        if (transferEncoding != null) {
            if (contentLength != null || transferEncoding.size() != 1 || !transferEncoding.getFirst().equalsIgnoreCase("chunked")) {
                throw new Refused(400, "bad_request", "Only Transfer-Encoding: chunked is accepted, and not with a Content-Length");
            }
            continueIfExpected(out, headers);
            return readChunked(in);
        }
        if (contentLength == null) {
            return new byte[0];
        }
        String value = contentLength.getFirst();
        if (contentLength.stream().anyMatch(v -> !v.equals(value)) || value.isEmpty() || value.length() > 18
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Refused(400, "bad_request", "Content-Length must be one non-negative integer");
        }
        long length = Long.parseLong(value);
        if (length > MAX_BODY_BYTES) {
            throw new Refused(413, "payload_too_large", "The body may be at most " + MAX_BODY_BYTES + " bytes");
        }
        continueIfExpected(out, headers);
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("the connection closed inside a request body");
        }
        return body;
    }

    private static byte[] readChunked(InputStream in) throws IOException, Refused {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in).split(";", 2)[0].strip();
            int size;
            try {
                size = sizeLine.length() > 8 ? -1 : Integer.parseInt(sizeLine, 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new Refused(400, "bad_request", "A chunk size is not a hexadecimal number");
            }
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers are dropped, as API Gateway does
                }
                return body.toByteArray();
            }
            if (body.size() + (long) size > MAX_BODY_BYTES) {
                throw new Refused(413, "payload_too_large", "The body may be at most " + MAX_BODY_BYTES + " bytes");
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new IOException("the connection closed inside a chunk");
            }
            body.writeBytes(chunk);
            if (!readLine(in).isEmpty()) {
                throw new Refused(400, "bad_request", "A chunk is longer than its size");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException, Refused {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection closed inside a chunked body");
            }
            if (line.length() > 1024) {
                throw new Refused(400, "bad_request", "A chunk line is too long");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void continueIfExpected(OutputStream out, Headers headers) throws IOException {
        if ("100-continue".equalsIgnoreCase(headers.getFirst("Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static boolean keepAlive(String version, String connection) {
        String value = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !value.contains("close") : value.contains("keep-alive");
    }

    /** RFC 9110 token characters: what a method or header name may hold. */
    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Answers a request the server will not hand on, then closes the connection (its rest cannot be trusted). */
    private static void refuse(Socket socket, InputStream in, OutputStream out, Refused refused) throws IOException {
        String body = "{\"error\":\"" + refused.error + "\",\"detail\":" + LambdaJson.mapper().valueToTree(refused.getMessage()) + "}";
        Headers headers = new Headers();
        headers.set("Content-Type", "application/json");
        headers.set("apigw-requestid", RequestIds.apiGatewayRequestId());
        writeResponse(out, refused.status, headers, body.getBytes(StandardCharsets.UTF_8), true, false);
        socket.shutdownOutput();
        // read what the client still sends, briefly, so closing does not reset the connection before it read the answer
        socket.setSoTimeout(1_000);
        try {
            in.skipNBytes(Math.min(in.available(), MAX_BODY_BYTES));
            in.readNBytes(new byte[64 * 1024], 0, 64 * 1024);
        } catch (IOException | RuntimeException ignored) {
            // the answer is out; the rest does not matter
        }
    }

    static void writeResponse(OutputStream out, int status, Headers headers, byte[] body, boolean close, boolean head)
            throws IOException {
        StringBuilder text = new StringBuilder(256);
        text.append("HTTP/1.1 ").append(status).append(' ').append(REASONS.getOrDefault(status, "Status")).append("\r\n");
        text.append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        boolean bodyless = status < 200 || status == 204 || status == 304;
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Connection")) {
                values.forEach(value -> text.append(name).append(": ").append(value).append("\r\n"));
            }
        });
        if (!bodyless) {
            text.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            text.append("Connection: close\r\n");
        }
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!bodyless && !head) {
            out.write(body);
        }
        out.flush();
    }

    /** One request as the handler sees it; the response is buffered and sent when the exchange closes. */
    private static final class Exchange extends HttpExchange {
        final String method;
        final URI uri;
        private final String protocol;
        private final Headers requestHeaders;
        private final Headers responseHeaders = new Headers();
        private final InputStream requestBody;
        private final InetSocketAddress remote;
        private final InetSocketAddress local;
        private final OutputStream connection;
        private final Map<String, Object> attributes = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final boolean keepAlive;
        int status = -1;
        private boolean sent;
        boolean clientGone;

        Exchange(String method, URI uri, String protocol, Headers requestHeaders, byte[] body, InetSocketAddress remote,
                 InetSocketAddress local, OutputStream connection, boolean keepAlive) {
            this.method = method;
            this.uri = uri;
            this.protocol = protocol;
            this.requestHeaders = requestHeaders;
            this.requestBody = new ByteArrayInputStream(body);
            this.remote = remote;
            this.local = local;
            this.connection = connection;
            this.keepAlive = keepAlive;
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        /** Sends the response (once); a handler that sent none answers 500. */
        @Override
        public void close() {
            if (sent) {
                return;
            }
            sent = true;
            try {
                if (status < 0) {
                    status = 500;
                    responseHeaders.set("Content-Type", "application/json");
                    body.writeBytes(PayloadFormatV2.INTERNAL_SERVER_ERROR.getBytes(StandardCharsets.UTF_8));
                }
                writeResponse(connection, status, responseHeaders, body.toByteArray(), !keepAlive, method.equalsIgnoreCase("HEAD"));
            } catch (IOException e) {
                clientGone = true; // nobody to answer; the connection ends
            }
        }

        @Override
        public InputStream getRequestBody() {
            return requestBody;
        }

        @Override
        public OutputStream getResponseBody() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    body.write(bytes, offset, length);
                }
            };
        }

        @Override
        public void sendResponseHeaders(int code, long length) {
            if (status >= 0) {
                throw new IllegalStateException("response headers already sent");
            }
            status = code;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return remote;
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return local;
        }

        @Override
        public String getProtocol() {
            return protocol;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void setStreams(InputStream in, OutputStream out) {
            throw new UnsupportedOperationException("filters are not supported");
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
