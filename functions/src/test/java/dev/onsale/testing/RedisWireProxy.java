package dev.onsale.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 in front of a redis-server that sees what the client puts on the wire:
 * it counts the commands the client sends (by name, as parsed from RESP) and can delay everything the
 * client sends by a fixed time, like a long network path: N sequential round trips then take N
 * delays, N pipelined commands about one.
 */
public final class RedisWireProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final Duration delay;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final Map<String, Long> commands = new TreeMap<>();
    private long roundTrips;
    private long bytesToClients;

    public RedisWireProxy(int upstreamPort, Duration delay) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.upstreamPort = upstreamPort;
        this.delay = delay;
        Thread.ofPlatform().daemon().name("redis-wire-proxy").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The commands clients sent since the last {@link #reset}, by upper-case name. */
    public synchronized Map<String, Long> commands() {
        return new TreeMap<>(commands);
    }

    public synchronized void reset() {
        commands.clear();
        roundTrips = 0;
        bytesToClients = 0;
    }

    /**
     * The times a client spoke since the last {@link #reset}: its first bytes, and every time it sent
     * again after the server had answered something. Pipelined commands in one write are one; a command
     * sent after awaiting a reply is another. Exact for one client connection at a time.
     */
    public synchronized long roundTrips() {
        return roundTrips;
    }

    /** What the server sent the clients since the last {@link #reset}, in bytes. */
    public synchronized long bytesToClients() {
        return bytesToClients;
    }

    private synchronized void counted(String command) {
        commands.merge(command.toUpperCase(Locale.ROOT), 1L, Long::sum);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket("127.0.0.1", upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
                open.add(client);
                open.add(upstream);
                open.add(later::shutdownNow);
                RespCommands parser = new RespCommands();
                Turns turns = new Turns();
                Thread.ofPlatform().daemon().start(() -> pump(client, upstream, later, parser, turns));
                Thread.ofPlatform().daemon().start(() -> pump(upstream, client, null, null, turns));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies {@code from} to {@code to}: client bytes {@code delay} later (equal delays keep their order). */
    /** Who spoke last on one connection. */
    private static final class Turns {
        boolean serverSpoke = true;
    }

    private synchronized void clientSent(Turns turns) {
        if (turns.serverSpoke) {
            roundTrips++;
            turns.serverSpoke = false;
        }
    }

    private synchronized void serverSent(Turns turns, int bytes) {
        turns.serverSpoke = true;
        bytesToClients += bytes;
    }

    private void pump(Socket from, Socket to, ScheduledExecutorService later, RespCommands parser, Turns turns) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                byte[] chunk = Arrays.copyOf(buffer, read);
                if (parser != null) {
                    parser.feed(chunk).forEach(this::counted);
                    clientSent(turns);
                } else {
                    serverSent(turns, read);
                }
                if (later == null || delay.isZero()) {
                    out.write(chunk);
                    out.flush();
                } else {
                    later.schedule(() -> {
                        try {
                            out.write(chunk);
                            out.flush();
                        } catch (IOException closed) {
                            // the other side went away
                        }
                    }, delay.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        } catch (IOException closed) {
            // the other side went away
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /** Splits a client's byte stream into commands (RESP arrays of bulk strings) and names them. */
    static final class RespCommands {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        List<String> feed(byte[] chunk) {
            pending.writeBytes(chunk);
            byte[] bytes = pending.toByteArray();
            List<String> names = new java.util.ArrayList<>();
            int at = 0;
            while (true) {
                int end = command(bytes, at, names);
                if (end < 0) {
                    break;
                }
                at = end;
            }
            pending.reset();
            pending.write(bytes, at, bytes.length - at);
            return names;
        }

        /** Parses one command at {@code at}: the index after it, or -1 when it is not complete yet. */
        private static int command(byte[] bytes, int at, List<String> names) {
            int line = lineEnd(bytes, at);
            if (line < 0) {
                return -1;
            }
            if (bytes[at] != '*') {
                throw new IllegalStateException("not a RESP array at " + at);
            }
            int parts = Integer.parseInt(new String(bytes, at + 1, line - at - 1, StandardCharsets.US_ASCII));
            int position = line + 2;
            String name = null;
            for (int i = 0; i < parts; i++) {
                int header = lineEnd(bytes, position);
                if (header < 0) {
                    return -1;
                }
                int length = Integer.parseInt(new String(bytes, position + 1, header - position - 1, StandardCharsets.US_ASCII));
                int data = header + 2;
                if (data + length + 2 > bytes.length) {
                    return -1;
                }
                if (i == 0) {
                    name = new String(bytes, data, length, StandardCharsets.US_ASCII);
                }
                position = data + length + 2;
            }
            names.add(name);
            return position;
        }

        private static int lineEnd(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
