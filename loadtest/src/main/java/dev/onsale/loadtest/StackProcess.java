package dev.onsale.loadtest;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stack of its own, as scripts/dev runs it (template.yaml, the functions jar, the local parameter
 * overrides) but on a free port and in a child JVM: the generator and the gateway then have a process
 * each, as a real client and API Gateway would, and each can be profiled on its own.
 */
final class StackProcess implements AutoCloseable {

    private static final Pattern REDIS_LINE = Pattern.compile("Redis\\s+(\\S+):(\\d+)\\s*");

    private final Process process;
    private final URI url;
    private final Path log;

    private StackProcess(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * @param sdkCalls where the stack's {@link SdkCallCounter} writes its counts of AWS SDK calls; empty: it counts none
     */
    static StackProcess start(Path template, Path codeJar, Path parameters, List<String> jvmOptions, Path log,
                              Optional<Path> sdkCalls) throws IOException, InterruptedException {
        return start(template, codeJar, parameters, jvmOptions, List.of(), log, sdkCalls);
    }

    /** @param stackArguments more of the stack's own arguments, e.g. {@code --auth jwt --jwt-keys DIR} */
    static StackProcess start(Path template, Path codeJar, Path parameters, List<String> jvmOptions,
                              List<String> stackArguments, Path log, Optional<Path> sdkCalls)
            throws IOException, InterruptedException {
        for (Path required : List.of(template, codeJar, parameters)) {
            if (!Files.isRegularFile(required)) {
                throw new IOException(required + " does not exist (build first: scripts/loadtest does)");
            }
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            // DynamoDB Local loads sqlite natively and Pekko uses sun.misc.Unsafe: without these JDK 24+ warns
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmOptions);
        sdkCalls.ifPresent(file -> command.add("-D" + SdkCallCounter.FILE_PROPERTY + "=" + file.toAbsolutePath()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.onsale.localstack.Main",
                "--template", template.toString(), "--code-jar", codeJar.toString(), "--port", String.valueOf(port)));
        command.addAll(stackArguments);
        command.add("--parameter-overrides");
        for (String line : Files.readAllLines(parameters)) {
            String pair = line.strip();
            if (!pair.isEmpty() && !pair.startsWith("#")) {
                command.add(pair);
            }
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        StackProcess stack = new StackProcess(process, URI.create("http://127.0.0.1:" + port), log);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        stack.awaitReady(Duration.ofSeconds(120));
        return stack;
    }

    URI url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** Where its redis-server listens, from the {@code Redis    127.0.0.1:PORT} line it printed on starting. */
    Optional<InetSocketAddress> redisAddress() throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.map(REDIS_LINE::matcher).filter(Matcher::matches).findFirst()
                    .map(redis -> new InetSocketAddress(redis.group(1), Integer.parseInt(redis.group(2))));
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the local stack exited (" + process.exitValue() + ") before it served; see " + log);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) url.resolve("/api/v1/events").toURL().openConnection();
                connection.setConnectTimeout(1_000);
                connection.setReadTimeout(5_000);
                if (connection.getResponseCode() == 200) {
                    connection.getInputStream().readAllBytes();
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("the local stack did not serve within " + timeout.toSeconds() + " s; see " + log);
    }

    /** Stops it as Ctrl-C would (its shutdown hook stops redis-server), then for good. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
