package dev.onsale.localstack;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One Jetty request as the JDK's {@link HttpExchange}, so that the gateway and the IAM proxies stay written against
 * the JDK's type. The body is read whole before the handler runs and the answer is buffered and sent, with its
 * Content-Length, when the exchange closes (a handler that sent nothing answers 500).
 */
final class JettyHttpExchange extends HttpExchange {

    private static final byte[] NO_BYTES = new byte[0];

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final URI uri;
    private final Headers requestHeaders;
    private final Headers responseHeaders = new Headers();
    private final InputStream requestBody;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, Object> attributes = new HashMap<>();
    private int status = -1;
    private boolean sent;

    private JettyHttpExchange(Request request, Response response, Callback callback, URI uri, Headers requestHeaders, byte[] body) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.uri = uri;
        this.requestHeaders = requestHeaders;
        this.requestBody = new ByteArrayInputStream(body);
    }

    /**
     * The exchange of a request the gateway takes; null when it was answered here already: a path {@link URI} cannot
     * hold (a malformed percent-escape, a space or a quote: 400) or a body over the quota (413), both as JSON.
     */
    static JettyHttpExchange accept(Request request, Response response, Callback callback) {
        URI uri;
        try {
            uri = new URI(request.getHttpURI().getPathQuery());
        } catch (URISyntaxException | NullPointerException e) {
            refuse(response, callback, 400, "bad_request", "The request path is not a valid URI (a malformed percent-escape or character)");
            return null;
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            refuse(response, callback, 400, "bad_request", "The request has no path");
            return null;
        }
        byte[] body;
        try {
            body = body(request);
        } catch (BodyTooLarge tooLarge) {
            refuse(response, callback, 413, "payload_too_large", "The body may be at most " + LoopbackHttpServer.MAX_BODY_BYTES + " bytes");
            return null;
        } catch (IOException | RuntimeException e) {
            callback.failed(e); // a client gone, or a chunk Jetty's parser refused: Jetty answers (through the JSON errors) or closes
            return null;
        }
        Headers headers = new Headers();
        for (HttpField field : request.getHeaders()) {
            headers.add(field.getName(), field.getValue());
        }
        return new JettyHttpExchange(request, response, callback, uri, headers, body);
    }

    private static final class BodyTooLarge extends Exception {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    /** Most requests are GETs without a body: nothing to read, nothing to allocate. */
    private static byte[] body(Request request) throws IOException, BodyTooLarge {
        long length = request.getLength();
        if (length > LoopbackHttpServer.MAX_BODY_BYTES) {
            throw new BodyTooLarge(); // refused before it is sent (Expect: 100-continue) or read
        }
        if (length == 0 || (length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING))) {
            return NO_BYTES;
        }
        InputStream in = Request.asInputStream(request);
        if (length > 0) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new EOFException("the connection closed inside a request body");
            }
            return bytes;
        }
        byte[] bytes = in.readNBytes(LoopbackHttpServer.MAX_BODY_BYTES + 1);
        if (bytes.length > LoopbackHttpServer.MAX_BODY_BYTES) {
            throw new BodyTooLarge();
        }
        return bytes;
    }

    private static void refuse(Response response, Callback callback, int status, String error, String detail) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("apigw-requestid", RequestIds.apiGatewayRequestId());
        // the rest of the connection cannot be trusted (and a refused body is not read)
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(LocalHttpApi.errorJson(error, detail).getBytes(StandardCharsets.UTF_8)), callback);
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
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    /** Sends the answer (once); a handler that sent none answers 500. */
    @Override
    public void close() {
        if (sent) {
            return;
        }
        sent = true;
        if (status < 0) {
            status = 500;
            responseHeaders.set("Content-Type", "application/json");
            body.reset();
            body.writeBytes(PayloadFormatV2.INTERNAL_SERVER_ERROR.getBytes(StandardCharsets.UTF_8));
        }
        response.setStatus(status);
        HttpFields.Mutable out = response.getHeaders();
        responseHeaders.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Connection")) {
                values.forEach(value -> out.add(name, value));
            }
        });
        boolean bodyless = status < 200 || status == 204 || status == 304;
        if (bodyless) {
            response.write(true, null, callback);
            return;
        }
        out.put(HttpHeader.CONTENT_LENGTH, body.size());
        response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
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
        return inet(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return inet(request.getConnectionMetaData().getLocalSocketAddress());
    }

    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public String getProtocol() {
        return request.getConnectionMetaData().getProtocol();
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
