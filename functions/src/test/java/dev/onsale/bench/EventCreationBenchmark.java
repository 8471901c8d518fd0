package dev.onsale.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.Template;
import dev.onsale.platform.Json;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /api/v1/events} of large events, timed as an admin's client sees it, against the local stack
 * as {@code scripts/dev} runs it: a child JVM with the template, a Lambda jar and the local parameter
 * overrides. Each jar under test ({@code NAME=PATH}, e.g. the build before a change) gets a fresh stack per
 * round, so every creation starts from the same empty tables and the same cold JIT; the jars take turns
 * within a round, so that a comparison is fair on a machine whose load changes. After each creation the
 * compact seat map must count every seat available (a seat without an item shows as SOLD). The stack's CPU
 * time is split by its threads (Linux {@code /proc}): DynamoDB Local's one SQLite thread, its HTTP threads,
 * the virtual threads' carriers (the function's seat writes), the JIT compilers and the GC. Then the largest
 * size is created once more by the jar's store alone ({@link SeatWritesChild}), in a JVM of its own with the
 * template's {@code JAVA_TOOL_OPTIONS}, against that stack's DynamoDB Local: its CPU time is the function's
 * own, what Lambda's vCPU share (one vCPU per 1,769 MB) has to cover. JVM options for the stack (e.g. a JFR
 * recording) go in the environment variable {@code STACK_JAVA_OPTIONS}.
 *
 * <pre>scripts/bench eventcreation [rounds=2] [sizes=50000,100000] [NAME=JAR ...]
 * e.g. scripts/bench eventcreation 2 50000,100000 before=/tmp/before.jar after=functions/target/functions.jar</pre>
 */
public final class EventCreationBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** In the local stack's dev mode every caller is an admin. */
    private static final String ADMIN = "bench-admin";
    /** USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on. */
    private static final double CLOCK_TICKS = 100.0;

    /** The template of a jar given as JAR@TEMPLATE; the others run this checkout's. */
    private static final Map<Path, Path> TEMPLATES = new java.util.HashMap<>();

    public static void main(String[] args) throws Exception {
        Figures.start("eventcreation");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        List<Integer> sizes = Arrays.stream((args.length > 1 ? args[1] : "50000,100000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Map<String, Path> jars = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            // NAME=JAR, or NAME=JAR@TEMPLATE for a build whose functions differ from this checkout's template
            int eq = args[i].indexOf('=');
            String[] jarAndTemplate = args[i].substring(eq + 1).split("@", 2);
            Path jar = Path.of(jarAndTemplate[0]).toAbsolutePath();
            jars.put(args[i].substring(0, eq), jar);
            if (jarAndTemplate.length == 2) {
                TEMPLATES.put(jar, Path.of(jarAndTemplate[1]).toAbsolutePath());
            }
        }
        if (jars.isEmpty()) {
            jars.put("current", EmbeddedStack.projectFile("functions/target/functions.jar"));
        }
        Figures.OUT.printf("event creation: %d rounds, sizes %s, jars %s; %d cores, %s %s; %s UTC; load before: %s%n",
                rounds, sizes, jars, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.vendor"),
                Runtime.version(), Instant.now().truncatedTo(ChronoUnit.SECONDS), ChildJvms.loadAverage());
        List<String> functionOptions = templateJavaOptions();
        Path runner = ChildJvms.runnerDirectory(SeatWritesChild.class, "seatwrites-runner");
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<Double>> functionCpu = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                try (Stack stack = Stack.start(jar.getValue())) {
                    for (int size : sizes) {
                        Creation creation = create(stack, size);
                        seconds.computeIfAbsent(jar.getKey() + " " + size, k -> new ArrayList<>()).add(creation.seconds);
                        Figures.OUT.printf(Locale.ROOT, "round %d %-8s %,7d seats: %d in %6.2f s, %,d available; load %s -> %s; stack CPU %.1f s (%s)%n",
                                round, jar.getKey(), size, creation.status, creation.seconds, creation.available,
                                creation.loadBefore, creation.loadAfter, creation.stackCpuSeconds,
                                creation.cpuByPart.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                                        .collect(Collectors.joining(", ")));
                    }
                    Alone alone = storeAlone(stack, jar.getValue(), runner, functionOptions, largest);
                    seconds.computeIfAbsent(jar.getKey() + " " + largest + " store alone", k -> new ArrayList<>()).add(alone.seconds);
                    functionCpu.computeIfAbsent(jar.getKey() + " " + largest + " store alone", k -> new ArrayList<>()).add(alone.cpuSeconds);
                    Figures.OUT.printf(Locale.ROOT, "round %d %-8s %,7d seats, the store alone in its own JVM: %6.2f s, its CPU %.1f s%n",
                            round, jar.getKey(), largest, alone.seconds, alone.cpuSeconds);
                }
            }
        }
        Figures.OUT.printf("load after: %s%n%n", ChildJvms.loadAverage());
        Figures.OUT.println("the store alone ran with " + String.join(" ", functionOptions));
        seconds.forEach((key, values) -> Figures.OUT.printf(Locale.ROOT, "%-30s median %6.2f s  (%s)%n", key, median(values), listed(values)));
        functionCpu.forEach((key, values) -> Figures.OUT.printf(Locale.ROOT, "%-30s median %6.2f s of CPU  (%s)%n", key, median(values), listed(values)));
    }

    private static String listed(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(", "));
    }

    private record Alone(double seconds, double cpuSeconds) {
    }

    /** One creation of {@code seats} by the jar's CatalogStore in a JVM of its own, against the stack's DynamoDB Local. */
    private static Alone storeAlone(Stack stack, Path jar, Path runner, List<String> javaOptions, int seats) throws Exception {
        rowsPerSection(seats);
        URI dynamoDb = stack.dynamoDbEndpoint();
        List<String> tables;
        try (DynamoDbClient client = DynamoDbClient.builder().region(Region.US_EAST_1).endpointOverride(dynamoDb)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            tables = client.listTables().tableNames();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", jar + File.pathSeparator + runner, SeatWritesChild.class.getName(), Integer.toString(seats)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS"); // the template's options are passed above, never twice
        builder.environment().put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
        builder.environment().put("EVENTS_TABLE", tableEndingWith(tables, "EventsTable"));
        builder.environment().put("SEATS_TABLE", tableEndingWith(tables, "SeatsTable"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String line = output.lines().filter(l -> l.startsWith("SEATWRITES ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the store alone gave no answer:\n" + output));
        String[] fields = line.split(" ");
        return new Alone(Long.parseLong(fields[1]) / 1e3, Long.parseLong(fields[2]) / 1e3);
    }

    private static String tableEndingWith(List<String> tables, String suffix) {
        return tables.stream().filter(name -> name.endsWith(suffix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no table *" + suffix + " in " + tables));
    }

    /** CreateEventFunction's JAVA_TOOL_OPTIONS in the template: the JVM the function runs in on Lambda. */
    @SuppressWarnings("unchecked")
    private static List<String> templateJavaOptions() {
        Map<String, Object> properties = Template.load(EmbeddedStack.projectFile("template.yaml")).resource("CreateEventFunction").properties();
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) properties.get("Environment")).get("Variables");
        return Arrays.stream(String.valueOf(variables.getOrDefault("JAVA_TOOL_OPTIONS", "")).split(" ")).filter(o -> !o.isBlank()).toList();
    }

    private record Creation(int status, double seconds, double stackCpuSeconds, Map<String, Double> cpuByPart, int available,
                            String loadBefore, String loadAfter) {
    }

    /** {@link Events#stadium}'s ten sections of 50-seat rows: 50,000 seats are 10 x 100 x 50, the event the problem was measured with. */
    private static int rowsPerSection(int seats) {
        if (seats % 500 != 0) {
            throw new IllegalArgumentException("seats must be a multiple of 500 (10 sections of 50-seat rows): " + seats);
        }
        return seats / 500;
    }

    private static Creation create(Stack stack, int seats) throws Exception {
        String loadBefore = ChildJvms.loadAverage();
        double cpuBefore = stack.cpuSeconds();
        Map<String, Double> partsBefore = stack.cpuByPart();
        HttpRequest post = HttpRequest.newBuilder(stack.url.resolve("/api/v1/events?user_id=" + ADMIN))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofString(Events.stadium("Benchmark " + seats, rowsPerSection(seats)))).build();
        long start = System.nanoTime();
        HttpResponse<String> reply = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = stack.cpuSeconds() - cpuBefore;
        Map<String, Double> parts = new LinkedHashMap<>();
        stack.cpuByPart().forEach((part, seconds) -> parts.put(part, seconds - partsBefore.getOrDefault(part, 0.0)));
        parts.put("other", cpu - parts.values().stream().mapToDouble(Double::doubleValue).sum());
        String loadAfter = ChildJvms.loadAverage();
        int available = -1;
        if (reply.statusCode() == 201) {
            long id = Json.MAPPER.readTree(reply.body()).get("id").asLong();
            HttpResponse<String> map = HTTP.send(HttpRequest.newBuilder(stack.url.resolve(
                    "/api/v1/events/" + id + "/seats?format=compact&user_id=" + ADMIN)).timeout(Duration.ofSeconds(180)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.MAPPER.readTree(map.body());
            available = body.path("available_seats").asInt(-1);
        }
        return new Creation(reply.statusCode(), elapsed, cpu, parts, available, loadBefore, loadAfter);
    }

    /** The local stack in a JVM of its own, as scripts/dev starts it, loading the functions from {@code jar} only. */
    private record Stack(Process process, URI url, Path log) implements AutoCloseable {
        static Stack start(Path jar) throws Exception {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (Runtime.version().feature() >= 24) {
                command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
            }
            Arrays.stream(System.getenv().getOrDefault("STACK_JAVA_OPTIONS", "").split(" ")).filter(o -> !o.isBlank()).forEach(command::add);
            // this JVM's class path less the functions' own classes: the handlers must come from the jar under test
            String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(entry -> !entry.contains("functions" + File.separator + "target"))
                    .collect(Collectors.joining(File.pathSeparator));
            command.addAll(List.of("-cp", classPath, "dev.onsale.localstack.Main",
                    "--template", TEMPLATES.getOrDefault(jar, EmbeddedStack.projectFile("template.yaml")).toString(), "--code-jar", jar.toString(),
                    "--port", Integer.toString(port), "--parameter-overrides"));
            EmbeddedStack.parameters().forEach((name, value) -> command.add(name + "=" + value));
            Path log = Files.createTempFile(EmbeddedStack.projectFile("functions/target"), "eventcreation-stack", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Stack stack = new Stack(process, URI.create("http://127.0.0.1:" + port), log);
            stack.awaitReady();
            return stack;
        }

        private void awaitReady() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the local stack exited before it served; see " + log);
                }
                try {
                    if (HTTP.send(HttpRequest.newBuilder(url.resolve("/api/v1/events")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(200);
            }
            close();
            throw new IOException("the local stack did not serve within 120 s; see " + log);
        }

        /** The endpoint of the stack's DynamoDB Local, as its start-up lines name it. */
        URI dynamoDbEndpoint() throws IOException {
            return Files.readAllLines(log).stream().filter(line -> line.startsWith("DynamoDB http")).findFirst()
                    .map(line -> URI.create(line.substring("DynamoDB".length()).trim()))
                    .orElseThrow(() -> new IOException("the stack's log names no DynamoDB endpoint: " + log));
        }

        double cpuSeconds() {
            return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        }

        /** CPU seconds of the stack's live threads by what they are, from their names; empty where there is no /proc. */
        Map<String, Double> cpuByPart() {
            Map<String, Double> parts = new LinkedHashMap<>();
            List.of("SQLite", "DynamoDB Local HTTP", "virtual threads", "JIT", "GC").forEach(part -> parts.put(part, 0.0));
            try (var threads = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
                for (Path thread : threads.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(thread.resolve("stat"));
                    } catch (IOException ended) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
                    String part = name.startsWith("SQLiteQueue") ? "SQLite"
                            : name.startsWith("qtp") ? "DynamoDB Local HTTP"
                            : name.startsWith("ForkJoinPool-") ? "virtual threads"
                            : name.contains("CompilerThre") ? "JIT"
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "GC" : null;
                    if (part != null) {
                        parts.merge(part, seconds, Double::sum);
                    }
                }
            } catch (IOException noProc) {
                return Map.of();
            }
            return parts;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // its shutdown hook stops redis-server
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
