package dev.onsale.localstack;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server process on 127.0.0.1, without persistence. It prefers the machine's own
 * {@code redis-server} (on the PATH) and falls back to the binary shipped in codemonstur embedded-redis.
 * It can be stopped and started again on the same port, for tests of Redis outages.
 */
final class RedisServerProcess implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(RedisServerProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final int OUTPUT_LINES_KEPT = 30;

    private final Path executable;
    private final int port;
    private volatile Process process;

    RedisServerProcess(Path executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /** The given executable, else {@code redis-server} on the PATH, else the one embedded-redis ships. */
    static Path locateExecutable(Path preferred) {
        if (preferred != null) {
            return preferred;
        }
        Optional<Path> onPath = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
        if (onPath.isPresent()) {
            return onPath.get();
        }
        try {
            return ExecutableProvider.newJarResourceProvider().get().toPath();
        } catch (IOException e) {
            throw new UncheckedIOException("no redis-server on the PATH and embedded-redis could not unpack its own", e);
        }
    }

    int port() {
        return port;
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts redis-server and returns once it answers PING. */
    synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = List.of(executable.toString(),
                "--port", String.valueOf(port), "--bind", HOST, "--protected-mode", "no",
                "--save", "", "--appendonly", "no", "--daemonize", "no");
        Deque<String> recentOutput = new ArrayDeque<>();
        Process started;
        try {
            started = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        }
        process = started;
        Thread.ofPlatform().daemon().name("redis-server-output-" + port)
                .start(() -> relayOutput(started.getInputStream(), recentOutput));
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!started.isAlive() || System.nanoTime() > deadline) {
                started.destroyForcibly();
                process = null;
                synchronized (recentOutput) {
                    throw new IllegalStateException("redis-server did not start on port " + port + ": "
                            + String.join("\n", recentOutput));
                }
            }
            sleepBriefly();
        }
        log.debug("redis-server {} listening on {}:{} (pid {})", executable, HOST, port, started.pid());
    }

    /** Stops redis-server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** For a JVM shutdown hook: no waiting, just make sure the process does not outlive us. */
    void destroyNow() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = socket.getInputStream().readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }

    private void relayOutput(InputStream output, Deque<String> recentOutput) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.trace("redis-server: {}", line);
                synchronized (recentOutput) {
                    recentOutput.addLast(line);
                    if (recentOutput.size() > OUTPUT_LINES_KEPT) {
                        recentOutput.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.trace("redis-server output closed", e);
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }
}
