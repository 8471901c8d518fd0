package dev.onsale.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The surge load test: starts a local stack of its own (or uses {@code --url}), creates an on-sale event and a
 * second one behind its waiting room, drives an on-sale mix through the local gateway, prints per-route
 * latencies (HdrHistogram) and status counts, and checks that no seat was sold twice (exit 1 if one was).
 *
 * <p>Open loop by default: requests are started at the offered rate whether or not earlier ones have been
 * answered, each on its own virtual thread, and latency counts from when a request was due, so a stalled
 * server shows as latency instead of silently lowering the rate (coordinated omission). {@code --concurrency}
 * runs a closed loop instead, to find the highest rate the stack sustains.
 */
public final class LoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, AtomicInteger> FAILURE_SAMPLES = new ConcurrentHashMap<>();
    static final String ADMIN_USER = "5000000";
    private static final String AUDITOR_USER = "5000001";

    private LoadTest() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(LoadTestOptions.USAGE);
            return;
        }
        LoadTestOptions options;
        try {
            options = LoadTestOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(LoadTestOptions.USAGE);
            System.exit(2);
            return;
        }
        String commandLine = String.join(" ", args);
        try {
            System.exit(switch (options.mode()) {
                case "stadium" -> StadiumRun.run(options, commandLine);
                case "scalpers" -> ScalperRun.run(options, commandLine);
                default -> run(options, commandLine);
            });
        } catch (IOException e) {
            System.err.println("\nloadtest: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(LoadTestOptions options, String commandLine) throws Exception {
        PrintStream out = System.out;
        String loadBefore = loadAverage();
        StackProcess stack = null;
        URI url = options.url();
        if (url == null) {
            System.err.println("== starting a local stack (log: " + options.stackLog() + ")");
            long started = System.nanoTime();
            stack = StackProcess.start(options.template(), options.codeJar(), options.parameters(),
                    options.stackJavaOptions(), options.stackLog(), java.util.Optional.empty());
            url = stack.url();
            System.err.printf("== stack pid %d on %s, serving after %.1f s%n", stack.pid(), url,
                    (System.nanoTime() - started) / 1e9);
        }
        try (HttpConnections http = new HttpConnections(url)) {
            InetAddress admin = OnSaleMix.loopback(9, 0, 1);
            long saleEvent = createEvent(http, admin, "Load test: the on-sale", options.seats());
            long queueEvent = createEvent(http, admin, "Load test: behind the waiting room", 100);
            post(http, admin, "/api/v1/events/" + queueEvent
                    + "/waiting-room/enable?max_concurrent=100&session_duration=60&user_id=" + ADMIN_USER, 200);
            System.err.printf("== events: %d (%,d seats, room off), %d (waiting room on, 100 sessions)%n",
                    saleEvent, options.seats(), queueEvent);

            RouteStats stats = new RouteStats();
            OnSaleMix mix = new OnSaleMix(http, stats, saleEvent, queueEvent, options.seats(), options.users(),
                    options.addresses(), options.bots(), options.mix());
            Optional<ProcessHandle> stackProcess = stack != null ? ProcessHandle.of(stack.pid())
                    : options.stackPid() != null ? ProcessHandle.of(options.stackPid()) : Optional.empty();
            CpuTimes cpuBefore = CpuTimes.now(stackProcess);
            long answeredBefore = stats.answered.sum();
            Drive drive = drive(options, mix, stats);
            String cpu = CpuTimes.perAnswer(cpuBefore, CpuTimes.now(stackProcess), stats.answered.sum() - answeredBefore);
            String loadAfter = loadAverage();

            OversellCheck.Result audit = new OversellAudit(http, OnSaleMix.loopback(9, 0, 2), AUDITOR_USER)
                    .run(saleEvent, mix.buyers());
            report(out, options, commandLine, url, stack != null, stats, drive, http.connectionsOpened(), audit,
                    mix.buyers().size(), cpu, loadBefore, loadAfter);
            return audit.passed() ? 0 : 1;
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** What the driver measured beside the routes' figures. */
    record Drive(double measuredSeconds, long skipped, int peakInFlight, int unanswered) {}

    private static Drive drive(LoadTestOptions options, OnSaleMix mix, RouteStats stats) throws InterruptedException {
        long warmupNanos = options.warmup().toNanos();
        long measureNanos = options.duration().toNanos();
        long start = System.nanoTime();
        OnSaleMix.Window window = new OnSaleMix.Window(start + warmupNanos, start + warmupNanos + measureNanos);
        mix.measure(window);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peakInFlight = new AtomicInteger();
        AtomicLong skipped = new AtomicLong();
        ProgressBar progress = ProgressBar.start(options.mode(), start, window, stats, inFlight);
        try {
            if (options.openLoop()) {
                double intervalNanos = 1e9 / options.rate();
                long sent = 0;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= window.endNanos()) {
                        break;
                    }
                    long due = (long) ((now - start) / intervalNanos);
                    for (; sent <= due; sent++) {
                        long dueNanos = start + (long) (sent * intervalNanos);
                        if (inFlight.get() >= options.maxInFlight()) {
                            skipped.incrementAndGet();
                            continue;
                        }
                        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        OnSaleMix.Action action = mix.pick();
                        Thread.ofVirtual().start(() -> {
                            try {
                                mix.perform(action, dueNanos);
                            } finally {
                                inFlight.decrementAndGet();
                            }
                        });
                    }
                    LockSupport.parkNanos(Math.min(200_000, (long) intervalNanos));
                }
            } else {
                List<Thread> workers = new ArrayList<>();
                for (int i = 0; i < options.concurrency(); i++) {
                    workers.add(Thread.ofVirtual().start(() -> {
                        inFlight.incrementAndGet();
                        try {
                            long now;
                            while ((now = System.nanoTime()) < window.endNanos()) {
                                mix.perform(mix.pick(), now);
                            }
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }));
                }
                peakInFlight.set(options.concurrency());
                for (Thread worker : workers) {
                    worker.join();
                }
            }
            // every answer still on its way, so the audit sees the final state (a request gives up after 120 s)
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(130);
            while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
                Thread.sleep(50);
            }
        } finally {
            progress.stop();
        }
        return new Drive(measureNanos / 1e9, skipped.get(), peakInFlight.get(), inFlight.get());
    }

    private static long createEvent(HttpConnections http, InetAddress from, String name, int seats) throws IOException {
        return createEvent(http, from, name, sections(seats));
    }

    /** An event of the given {@code sections} (a JSON array of name, rows, seats_per_row, price), created as a dev admin. */
    static long createEvent(HttpConnections http, InetAddress from, String name, String sections) throws IOException {
        return createEvent(http, from, Credentials.dev(), ADMIN_USER, name, sections);
    }

    /** The same, created as {@code admin} signed in with {@code credentials}. */
    static long createEvent(HttpConnections http, InetAddress from, Credentials credentials, String admin, String name,
                            String sections) throws IOException {
        String body = "{\"name\":\"" + name + "\",\"venue\":\"Load Test Arena\",\"starts_at\":\""
                + Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\",\"sections\":" + sections + "}";
        HttpConnections.Response created = http.post(from, credentials.target("/api/v1/events", admin), body,
                credentials.headers(admin));
        if (created.status() != 201) {
            throw new IOException("creating an event answered " + created.status() + ": " + created.text());
        }
        return JSON.readTree(created.body()).path("id").asLong();
    }

    static String sections(int seats) {
        int perRow = 50;
        int rows = Math.max(1, (seats + perRow - 1) / perRow);
        int floorRows = Math.max(1, rows / 2);
        StringBuilder sections = new StringBuilder("[");
        int remaining = seats;
        int floor = Math.min(remaining, floorRows * perRow);
        sections.append(section("Floor", floor, perRow, "150.00"));
        remaining -= floor;
        if (remaining > 0) {
            sections.append(',').append(section("Balcony", remaining, perRow, "55.00"));
        }
        sections.append(']');
        return sections.toString();
    }

    /** A section of exactly {@code seats} seats needs whole rows: round to rows of {@code perRow} or one row. */
    static String section(String name, int seats, int perRow, String price) {
        int rows = seats % perRow == 0 ? seats / perRow : 1;
        int seatsPerRow = seats % perRow == 0 ? perRow : seats;
        return "{\"name\":\"" + name + "\",\"rows\":" + rows + ",\"seats_per_row\":" + seatsPerRow + ",\"price\":" + price + "}";
    }

    private static void post(HttpConnections http, InetAddress from, String target, int expected) throws IOException {
        HttpConnections.Response response = http.post(from, target, null);
        if (response.status() != expected) {
            throw new IOException("POST " + target + " answered " + response.status() + ": " + response.text());
        }
    }

    /** The first few failures of each kind go to stderr; the rest are only counted. */
    static void noteFailure(Route route, Exception e) {
        String kind = route + " " + e.getClass().getSimpleName();
        if (FAILURE_SAMPLES.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet() <= 3) {
            System.err.println("\n" + kind + ": " + e.getMessage());
        }
    }

    private static void report(PrintStream out, LoadTestOptions options, String commandLine, URI url, boolean ownStack,
                               RouteStats stats, Drive drive, long connections, OversellCheck.Result audit, int buyers, String cpu,
                               String loadBefore, String loadAfter) {
        header(out, options.mode(), commandLine, url, ownStack, loadBefore, loadAfter);
        out.printf("  load      %s, %.0f s measured after %d s warm-up, %,d fans over %,d source addresses, %d bots, mix %s%n",
                options.openLoop() ? String.format("open loop, %,d req/s offered", options.rate())
                        : "closed loop, " + options.concurrency() + " virtual threads",
                drive.measuredSeconds(), options.warmup().toSeconds(), options.users(), options.addresses(),
                options.bots(), options.mix());
        out.printf("  generator %,d connections opened, peak %,d in flight, %,d requests skipped (over --max-in-flight), %,d unanswered at the end%n",
                connections, drive.peakInFlight(), drive.skipped(), drive.unanswered());
        out.printf("  cpu       %s (warm-up included)%n", cpu);
        out.println();
        routeTable(out, stats, drive.measuredSeconds());
        out.println();
        out.printf("oversell check: %s: %,d seats (%,d sold, %,d held), %,d bookings of %,d buyers (%,d confirmed)%n",
                audit.passed() ? "PASSED, no seat sold twice" : "FAILED", audit.seats(), audit.sold(), audit.held(),
                audit.bookings(), buyers, audit.confirmed());
        audit.violations().forEach(violation -> out.println("  OVERSOLD: " + violation));
        audit.warnings().forEach(warning -> out.println("  note: " + warning));
        if (options.mix().keySet().equals(java.util.Set.of(OnSaleMix.Action.SEATMAP)) && options.openLoop()) {
            RouteStats.PerRoute seatMap = stats.of(Route.SEAT_MAP);
            double rate = seatMap.count() / drive.measuredSeconds();
            double p99 = RouteStats.millis(seatMap.latencyMicros, 99);
            out.printf("goal (>= 10,000 guarded seat-map req/s, p99 < 25 ms): %s (%,.0f req/s, p99 %.2f ms)%n",
                    rate >= 10_000 && p99 < 25 && seatMap.failures.sum() == 0 ? "MET" : "NOT MET", rate, p99);
        }
    }

    /** The report's first lines: what ran, where, and how busy the machine was. */
    static void header(PrintStream out, String mode, String commandLine, URI url, boolean ownStack, String loadBefore,
                       String loadAfter) {
        out.println();
        out.printf("onsale load test: %s, %s%n", mode, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf("  command   scripts/loadtest %s%n", commandLine);
        out.printf("  machine   %d cores, %s; %s %s; load average before %s, after %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.vendor"),
                Runtime.version(), loadBefore, loadAfter);
        out.printf("  stack     %s (%s), generator and stack on the same machine%n", url,
                ownStack ? "its own, in a child JVM" : "given by --url");
    }

    /** One line per route that was called in the measured window, then all of them together. */
    static void routeTable(PrintStream out, RouteStats stats, double seconds) {
        out.printf("%-46s %9s %9s %8s %8s %8s %8s %8s  %s%n", "route", "count", "req/s", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "429", "statuses");
        long total = 0;
        Histogram all = new Histogram(3);
        for (Route route : Route.values()) {
            RouteStats.PerRoute perRoute = stats.of(route);
            long count = perRoute.count();
            if (count == 0) {
                continue;
            }
            total += count;
            Histogram latency = perRoute.latencyMicros.copy();
            all.add(latency);
            Map<Integer, Long> statuses = perRoute.statusCounts();
            StringBuilder others = new StringBuilder();
            statuses.forEach((status, n) -> {
                if (status != 429) {
                    others.append(others.isEmpty() ? "" : " ").append(status).append(':').append(n);
                }
            });
            if (perRoute.failures.sum() > 0) {
                others.append(" failed:").append(perRoute.failures.sum());
            }
            out.printf("%-46s %,9d %,9.0f %8.2f %8.2f %8.2f %8.1f %,8d  %s%n", route.label, count,
                    count / seconds, RouteStats.millis(latency, 50), RouteStats.millis(latency, 99),
                    RouteStats.millis(latency, 99.9), latency.getMaxValue() / 1000.0,
                    statuses.getOrDefault(429, 0L), others);
        }
        out.printf("%-46s %,9d %,9.0f %8.2f %8.2f %8.2f %8.1f%n", "all", total, total / seconds,
                RouteStats.millis(all, 50), RouteStats.millis(all, 99), RouteStats.millis(all, 99.9),
                all.getMaxValue() / 1000.0);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
