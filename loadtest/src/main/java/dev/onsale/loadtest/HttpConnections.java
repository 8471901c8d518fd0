package dev.onsale.loadtest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * A minimal HTTP/1.1 client over blocking sockets with keep-alive, one pool of idle connections per local
 * (source) address. Virtual threads block on it. It is deliberately this small: java.net.http's client costs
 * a selector thread, futures and several copies per request, and on 2 cores shared with the server the
 * generator would otherwise measure itself.
 */
final class HttpConnections implements AutoCloseable {

    /** An answer; header names lower-cased. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A reused connection that the server had closed before answering: safe to send again on a fresh one. */
    private static final class StaleConnection extends IOException {
        StaleConnection(String message) {
            super(message);
        }
    }

    private static final byte[] NO_BODY = new byte[0];
    private static final int READ_TIMEOUT_MS = 120_000;

    private final InetSocketAddress server;
    private final String hostHeader;
    private final Map<InetAddress, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();

    HttpConnections(URI base) {
        this.server = new InetSocketAddress(base.getHost(), base.getPort());
        this.hostHeader = base.getHost() + ":" + base.getPort();
    }

    long connectionsOpened() {
        return opened.sum();
    }

    Response get(InetAddress local, String target, String... headerLines) throws IOException {
        return send(local, "GET", target, null, headerLines);
    }

    Response post(InetAddress local, String target, String jsonBody, String... headerLines) throws IOException {
        return send(local, "POST", target, jsonBody, headerLines);
    }

    /**
     * Sends one request from {@code local} and reads the whole answer. A request on a reused connection that
     * the server closed meanwhile is sent again once on a fresh connection (POSTs here carry idempotency keys).
     */
    Response send(InetAddress local, String method, String target, String jsonBody, String... headerLines)
            throws IOException {
        byte[] request = encode(method, target, jsonBody, headerLines);
        Connection reused = idle.computeIfAbsent(local, address -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (reused != null) {
            try {
                return exchange(reused, local, method, request);
            } catch (StaleConnection stale) {
                reused.close();
            }
        }
        return exchange(connect(local), local, method, request);
    }

    private byte[] encode(String method, String target, String jsonBody, String[] headerLines) {
        byte[] body = jsonBody == null ? NO_BODY : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160 + target.length());
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\n");
        }
        if (jsonBody != null || method.equals("POST")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body.length == 0) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private Connection connect(InetAddress local) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            // closing resets instead of leaving thousands of ports in TIME_WAIT, where they would keep
            // other programs' "free" ports busy for a minute after a run
            socket.setSoLinger(true, 0);
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(server, 10_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        opened.increment();
        Connection connection = new Connection(socket);
        open.add(connection);
        return connection;
    }

    private Response exchange(Connection connection, InetAddress local, String method, byte[] request) throws IOException {
        Response response;
        try {
            response = connection.exchange(method, request);
        } catch (IOException | RuntimeException e) {
            connection.close();
            open.remove(connection);
            throw e;
        }
        if ("close".equalsIgnoreCase(response.header("connection"))) {
            connection.close();
            open.remove(connection);
        } else {
            idle.get(local).offerFirst(connection);
        }
        return response;
    }

    @Override
    public void close() {
        open.forEach(Connection::close);
        open.clear();
        idle.clear();
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        Response exchange(String method, byte[] request) throws IOException {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                throw new StaleConnection("write failed: " + e.getMessage());
            }
            String statusLine;
            try {
                statusLine = readLine(true);
            } catch (java.net.SocketException e) {
                throw new StaleConnection("reset before an answer: " + e.getMessage());
            }
            if (statusLine == null) {
                throw new StaleConnection("closed before an answer");
            }
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine, 9, 12, 10);
            Map<String, String> headers = new HashMap<>();
            for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            byte[] body;
            String length = headers.get("content-length");
            if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
                body = NO_BODY;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = readChunked();
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length));
                if (body.length != Integer.parseInt(length)) {
                    throw new EOFException("body cut short");
                }
            } else {
                body = in.readAllBytes();
                headers.put("connection", "close");
            }
            return new Response(status, headers, body);
        }

        private byte[] readChunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(false);
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    while (!readLine(false).isEmpty()) {
                        // trailers: ignored
                    }
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length != size) {
                    throw new EOFException("chunk cut short");
                }
                body.write(chunk);
                readLine(false);
            }
        }

        /** A CRLF-terminated line; null at a clean EOF when {@code eofAllowed}. */
        private String readLine(boolean eofAllowed) throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (eofAllowed && line.isEmpty()) {
                        return null;
                    }
                    throw new EOFException("connection closed mid-answer");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing to do
            }
        }
    }
}
