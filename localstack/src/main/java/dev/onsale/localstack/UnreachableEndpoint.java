package dev.onsale.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a VPC-only endpoint (an ElastiCache cache) is to a function outside that VPC: nothing answers. On AWS the
 * connection times out; here a loopback port takes each connection and closes it at once, so the client fails
 * fast, and counts it, so a test can see which function tried.
 */
final class UnreachableEndpoint implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger attempts = new AtomicInteger();

    private UnreachableEndpoint(ServerSocket socket) {
        this.socket = socket;
    }

    static UnreachableEndpoint open(String owner) {
        try {
            ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            UnreachableEndpoint endpoint = new UnreachableEndpoint(socket);
            Thread.ofVirtual().name("unreachable-endpoint-" + owner).start(endpoint::refuseAll);
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("no local port for " + owner + "'s unreachable endpoint", e);
        }
    }

    String host() {
        return RedisServerProcess.HOST;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Connections made to it so far. */
    int attempts() {
        return attempts.get();
    }

    private void refuseAll() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                attempts.incrementAndGet();
                connection.setSoLinger(true, 0); // a reset, not a polite close
            } catch (IOException closedOrReset) {
                // closed with the stack, or the client gave up first: either way nothing to answer
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
