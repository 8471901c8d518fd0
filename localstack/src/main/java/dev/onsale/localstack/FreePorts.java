package dev.onsale.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks ports for the stand-ins that take a port number rather than binding port 0 themselves. */
final class FreePorts {

    private FreePorts() {}

    /** Starts something on a port of its own. */
    interface OnPort<T> {
        T start(int port) throws Exception;
    }

    private static final int ATTEMPTS = 5;

    /**
     * Starts {@code server} on a free port, on another when that one is taken before the server binds it (a
     * port picked free can be given to another socket in between, an outgoing connection's included).
     */
    static <T> T startOnFreePort(OnPort<T> server) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return server.start(pick());
            } catch (Exception e) {
                if (attempt == ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof BindException || message.contains("Failed to bind") || message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
