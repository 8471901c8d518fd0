package dev.onsale.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import redis.embedded.core.ExecutableProvider;

/**
 * redis-server processes of a test's own, on 127.0.0.1 and free ports: one standalone server, or a
 * Redis Cluster of N masters. The binary is the one the local stack uses (the PATH's redis-server,
 * else embedded-redis's). {@link #close} kills them.
 */
public final class RedisServers implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(10);
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path directory;

    private RedisServers() {
        try {
            directory = Files.createTempDirectory("redis-servers-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The redis-server binary, if this machine has one in either place. */
    public static Optional<Path> executable() {
        Optional<Path> onPath = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
        if (onPath.isPresent()) {
            return onPath;
        }
        try {
            return Optional.of(ExecutableProvider.newJarResourceProvider().get().toPath());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static RedisServers standalone() {
        RedisServers servers = new RedisServers();
        try {
            servers.start(false);
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    /** {@code masters} cluster-enabled servers, the 16,384 slots split between them, no replicas. */
    public static RedisServers cluster(int masters) {
        RedisServers servers = new RedisServers();
        try {
            for (int i = 0; i < masters; i++) {
                servers.start(true);
            }
            servers.formCluster();
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    public int port() {
        return ports.getFirst();
    }

    /** Kills the (first) server at once, as a crash would: no shutdown, its clients see the connection drop. */
    public void crash() {
        Process server = processes.removeFirst();
        server.destroyForcibly();
        try {
            server.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + READY.toNanos();
        while (listening(port())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server still listens on " + port() + " after being killed");
            }
            sleep(10);
        }
    }

    /** Starts a standalone server again on the port it had (empty: it keeps no data), after {@link #crash}. */
    public void restart() {
        int port = ports.removeFirst();
        start(port, false);
        processes.addFirst(processes.removeLast());
        ports.addFirst(ports.removeLast());
    }

    private void start(boolean cluster) {
        start(freePort(cluster), cluster);
    }

    private void start(int port, boolean cluster) {
        Path binary = executable().orElseThrow(() -> new IllegalStateException("no redis-server binary"));
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory.toAbsolutePath().toString()));
        if (cluster) {
            command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "5000"));
        }
        try {
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("redis-" + port + ".log").toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        ports.add(port);
        long deadline = System.nanoTime() + READY.toNanos();
        while (!listening(port)) {
            if (System.nanoTime() > deadline || !processes.getLast().isAlive()) {
                throw new IllegalStateException("redis-server did not start on " + port + "; see " + directory);
            }
            sleep(10);
        }
    }

    /** Gives each master its share of the slots, introduces them to each other, waits for cluster_state:ok. */
    private void formCluster() {
        List<RedisClient> clients = new ArrayList<>();
        List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
        try {
            for (int port : ports) {
                RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
                clients.add(client);
                nodes.add(client.connect());
            }
            int masters = nodes.size();
            for (int i = 0; i < masters; i++) {
                int from = 16_384 * i / masters;
                int to = 16_384 * (i + 1) / masters;
                nodes.get(i).sync().clusterAddSlots(IntStream.range(from, to).toArray());
            }
            for (int i = 1; i < masters; i++) {
                nodes.getFirst().sync().clusterMeet("127.0.0.1", ports.get(i));
            }
            long deadline = System.nanoTime() + READY.toNanos() * 3;
            while (!nodes.stream().allMatch(node -> {
                String info = node.sync().clusterInfo();
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters);
            })) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not form: " + nodes.getFirst().sync().clusterInfo());
                }
                sleep(50);
            }
        } finally {
            nodes.forEach(StatefulRedisConnection::close);
            clients.forEach(RedisClient::shutdown);
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // only logs and cluster state files are left behind
        }
    }

    /** A free port; for a cluster node also its bus port (port + 10000). */
    private static int freePort(boolean cluster) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                int port = socket.getLocalPort();
                if (!cluster) {
                    return port;
                }
                if (port + 10_000 < 65_536) {
                    try (ServerSocket bus = new ServerSocket(port + 10_000, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
