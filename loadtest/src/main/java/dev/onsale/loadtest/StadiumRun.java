package dev.onsale.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * {@code --mode stadium}: a 50,000-seat event whose compact seat map many fans read in a closed loop while
 * {@link SeatChurn} holds, sells and gives back seats. Reports the reads' latency at the loop's ceiling, how
 * soon the map shows each change ({@link FreshnessProbe}), what a read costs Redis (bytes out, EVALSHA calls,
 * from {@link RedisInfo}) with churn and without, and how often the stack reads the seats table in full
 * ({@link SdkCallCounter}), then whether each goal is met.
 *
 * <p>The run: warm-up (reads and churn), the measured window (reads, churn, probe), a drain (the last holds
 * decided, the probe done looking), then a window of reads with no churn at all: there the map is unchanged,
 * so its Redis cost per read is the floor.
 */
final class StadiumRun {

    static final String SECTIONS = "ABCDEFGHIJ";
    static final int ROWS = 100;
    static final int SEATS_PER_ROW = 50;
    static final int SEATS = SECTIONS.length() * ROWS * SEATS_PER_ROW;
    /** The seats table is read in pages of 200 seats: a full read of this event is 250 Queries. */
    static final int QUERIES_PER_FULL_READ = SEATS / 200;
    private static final double P99_GOAL_MS = 50;
    private static final double FRESHNESS_GOAL_MS = 1_000;
    private static final long UNCHANGED_READ_GOAL_BYTES = 200;

    private final LoadTestOptions options;
    private final RouteStats churnStats = new RouteStats();
    private final RouteStats quietStats = new RouteStats();
    private final Map<String, LongAdder> cacheWithChurn = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> cacheQuiet = new ConcurrentHashMap<>();
    private final AtomicLong nextFan = new AtomicLong();
    private volatile OnSaleMix.Window quiet = new OnSaleMix.Window(Long.MAX_VALUE, Long.MAX_VALUE);
    private volatile boolean reading = true;

    private StadiumRun(LoadTestOptions options) {
        this.options = options;
    }

    static int run(LoadTestOptions options, String commandLine) throws IOException, InterruptedException {
        return new StadiumRun(options).run(commandLine);
    }

    /** What the counters said at one moment: Redis's, and the stack's SDK calls (each when measurable). */
    record Counters(Optional<RedisInfo.Snapshot> redis, Optional<SdkCallCounter.Counts> sdk) {}

    /** Counters at a window's start and end, the seat-map reads (readers and probe) in it, and CPU per answer. */
    record Window(String name, double seconds, Counters start, Counters end, long seatMapReads, String cpu) {}

    private int run(String commandLine) throws IOException, InterruptedException {
        String loadBefore = LoadTest.loadAverage();
        Path sdkCallsFile = options.stackLog().toAbsolutePath().resolveSibling("sdk-calls.txt");
        StackProcess stack = null;
        URI url = options.url();
        Optional<InetSocketAddress> redis;
        if (url == null) {
            Files.deleteIfExists(sdkCallsFile);
            System.err.println("== starting a local stack (log: " + options.stackLog() + ")");
            stack = StackProcess.start(options.template(), options.codeJar(), options.parameters(),
                    options.stackJavaOptions(), options.stackLog(), Optional.of(sdkCallsFile));
            url = stack.url();
            redis = stack.redisAddress();
        } else {
            redis = Optional.ofNullable(options.redisPort()).map(port -> new InetSocketAddress("127.0.0.1", port));
        }
        Optional<Path> sdkCalls = stack != null ? Optional.of(sdkCallsFile) : Optional.empty();
        try (HttpConnections http = new HttpConnections(url)) {
            long creating = System.nanoTime();
            long eventId = LoadTest.createEvent(http, OnSaleMix.loopback(9, 0, 1), "Load test: the stadium", sections());
            double creationSeconds = (System.nanoTime() - creating) / 1e9;
            System.err.printf("== event %d: %,d seats created in %.1f s%n", eventId, SEATS, creationSeconds);
            String counterLoaded = sdkCalls.isEmpty() ? "not measured (--url: only a stack of its own counts its SDK calls)"
                    : counterCheck(SdkCallCounter.read(sdkCalls.get()));

            InetAddress[] fans = OnSaleMix.fanAddresses(options.addresses());
            long start = System.nanoTime();
            OnSaleMix.Window measured = new OnSaleMix.Window(start + options.warmup().toNanos(),
                    start + options.warmup().toNanos() + options.duration().toNanos());
            FreshnessProbe probe = new FreshnessProbe(http, churnStats, eventId, measured);
            probe.start();
            SeatChurn churn = new SeatChurn(http, churnStats, probe, eventId, SEATS, fans, measured);
            AtomicInteger readersReading = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < options.concurrency(); i++) {
                readers.add(Thread.ofVirtual().name("reader-" + i).start(() -> read(http, eventId, fans, measured, readersReading)));
            }
            Thread churning = Thread.ofVirtual().name("churn").start(() -> churn.run(options.churn(), start, options.maxInFlight()));
            ProgressBar progress = ProgressBar.start("stadium", start, measured, churnStats, readersReading);
            Optional<ProcessHandle> stackProcess = stack != null ? ProcessHandle.of(stack.pid())
                    : options.stackPid() != null ? ProcessHandle.of(options.stackPid()) : Optional.empty();

            sleepUntil(measured.startNanos());
            Counters withChurnStart = counters(redis, sdkCalls);
            CpuTimes cpuBefore = CpuTimes.now(stackProcess);
            long answeredBefore = churnStats.answered.sum();
            sleepUntil(measured.endNanos());
            Counters withChurnEnd = counters(redis, sdkCalls);
            String loadAfter = LoadTest.loadAverage();
            Window withChurn = new Window("with churn", options.duration().toNanos() / 1e9, withChurnStart, withChurnEnd,
                    churnStats.of(Route.SEAT_MAP).count() + churnStats.of(Route.SEAT_MAP_PROBE).count(),
                    CpuTimes.perAnswer(cpuBefore, CpuTimes.now(stackProcess), churnStats.answered.sum() - answeredBefore));

            churning.join();
            boolean drained = churn.awaitDrained(TimeUnit.SECONDS.toNanos(30));
            long settleUntil = System.nanoTime() + FreshnessProbe.GIVE_UP_NANOS + TimeUnit.SECONDS.toNanos(1);
            while (!probe.settled() && System.nanoTime() < settleUntil) {
                Thread.sleep(50);
            }
            probe.stop();
            progress.stop();

            Optional<Window> noChurn = options.quietWindow().isZero() ? Optional.empty()
                    : Optional.of(noChurn(redis, sdkCalls, stackProcess));
            reading = false;
            for (Thread reader : readers) {
                reader.join();
            }

            report(System.out, commandLine, url, stack != null, eventId, creationSeconds, redis, counterLoaded, churn,
                    drained, probe, withChurn, noChurn, http.connectionsOpened(), loadBefore, loadAfter);
            return 0;
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** The readers alone for --quiet-window, once every change has settled: the unchanged map's cost. */
    private Window noChurn(Optional<InetSocketAddress> redis, Optional<Path> sdkCalls, Optional<ProcessHandle> stackProcess)
            throws InterruptedException {
        System.err.printf("== no churn: %.1f s of reads only%n", options.quietWindow().toMillis() / 1e3);
        Counters start = counters(redis, sdkCalls);
        CpuTimes cpuBefore = CpuTimes.now(stackProcess);
        long startNanos = System.nanoTime();
        quiet = new OnSaleMix.Window(startNanos, startNanos + options.quietWindow().toNanos());
        sleepUntil(quiet.endNanos());
        Counters end = counters(redis, sdkCalls);
        long reads = quietStats.of(Route.SEAT_MAP).count();
        return new Window("no churn", options.quietWindow().toNanos() / 1e9, start, end, reads,
                CpuTimes.perAnswer(cpuBefore, CpuTimes.now(stackProcess), reads));
    }

    private static String sections() {
        StringJoiner sections = new StringJoiner(",", "[", "]");
        for (int i = 0; i < SECTIONS.length(); i++) {
            sections.add(LoadTest.section(String.valueOf(SECTIONS.charAt(i)), ROWS * SEATS_PER_ROW, SEATS_PER_ROW,
                    (200 - 15 * i) + ".00"));
        }
        return sections.toString();
    }

    /** A reader: one fan after another reads the compact map, as soon as the last answer is in. */
    private void read(HttpConnections http, long eventId, InetAddress[] fans, OnSaleMix.Window measured,
                      AtomicInteger readersReading) {
        readersReading.incrementAndGet();
        try {
            while (reading) {
                long now = System.nanoTime();
                boolean quietRead = quiet.contains(now);
                RouteStats stats = quietRead ? quietStats : churnStats;
                boolean counted = quietRead || measured.contains(now);
                long fan = nextFan.getAndIncrement() % options.users() + 1;
                HttpConnections.Response response = stats.timed(http, Route.SEAT_MAP, now, counted, fans[(int) (fan % fans.length)],
                        "GET", "/api/v1/events/" + eventId + "/seats?format=compact&user_id=" + fan, null);
                if (counted && response != null && response.status() == 200) {
                    String cache = Optional.ofNullable(response.header("x-cache")).orElse("none");
                    (quietRead ? cacheQuiet : cacheWithChurn).computeIfAbsent(cache, k -> new LongAdder()).increment();
                }
            }
        } finally {
            readersReading.decrementAndGet();
        }
    }

    private static Counters counters(Optional<InetSocketAddress> redis, Optional<Path> sdkCalls) {
        Optional<RedisInfo.Snapshot> info = redis.flatMap(address -> {
            try {
                return Optional.of(RedisInfo.read(address));
            } catch (IOException e) {
                System.err.println("\nRedis INFO from " + address + " failed: " + e.getMessage());
                return Optional.empty();
            }
        });
        Optional<SdkCallCounter.Counts> counts = sdkCalls.flatMap(file -> {
            try {
                return Optional.of(SdkCallCounter.read(file));
            } catch (IOException | RuntimeException e) {
                System.err.println("\nreading " + file + " failed: " + e.getMessage());
                return Optional.empty();
            }
        });
        return new Counters(info, counts);
    }

    /** Whether the counter loaded in the stack: creating the event must have gone through it. */
    private static String counterCheck(SdkCallCounter.Counts counts) {
        if (counts.clients() == 0) {
            return "not measured: SdkCallCounter did not load in the stack (no counts written)";
        }
        long writes = counts.calls().entrySet().stream().filter(call -> call.getKey().contains("Write"))
                .mapToLong(Map.Entry::getValue).sum();
        return writes == 0 ? "not measured: SdkCallCounter loaded in " + counts.clients()
                + " SDK clients but saw none of the event's writes"
                : "SdkCallCounter in " + counts.clients() + " SDK clients of the stack; creating the event took "
                + String.format("%,d", writes) + " write calls";
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void report(PrintStream out, String commandLine, URI url, boolean ownStack, long eventId, double creationSeconds,
                        Optional<InetSocketAddress> redis, String counterLoaded, SeatChurn churn, boolean drained,
                        FreshnessProbe probe, Window withChurn, Optional<Window> noChurn, long connections,
                        String loadBefore, String loadAfter) {
        LoadTest.header(out, options.mode(), commandLine, url, ownStack, loadBefore, loadAfter);
        out.printf("  event     %d: %,d seats, sections %s of %d rows x %d, created in %.1f s%n", eventId, SEATS,
                String.join(",", SECTIONS.split("")), ROWS, SEATS_PER_ROW, creationSeconds);
        out.printf("  readers   closed loop, %d virtual threads reading the compact map (plain JSON, no gzip), %,d fans over %,d source addresses%n",
                options.concurrency(), options.users(), options.addresses());
        out.printf("  churn     %,d holds/s offered (open loop), 1-4 seats each by a new buyer, then %d%% confirmed, %d%% cancelled 1-1.5 s later%n",
                options.churn(), 60, 40);
        out.printf("  windows   %.0f s measured with churn after %d s warm-up; %.1f s with no churn%n", withChurn.seconds(),
                options.warmup().toSeconds(), noChurn.map(Window::seconds).orElse(0.0));
        out.printf("  generator %,d connections opened, %,d holds skipped (over --max-in-flight), %,d not started (no seat available), %s%n",
                connections, churn.skipped(), churn.noSeats(), drained ? "every hold decided" : churn.inFlight() + " holds undecided at the end");
        out.printf("  cpu       with churn: %s%n", withChurn.cpu());
        noChurn.ifPresent(window -> out.printf("            no churn: %s%n", window.cpu()));

        out.printf("%nwith churn (%.0f s):%n", withChurn.seconds());
        LoadTest.routeTable(out, churnStats, withChurn.seconds());
        out.printf("x-cache of the readers' 200s: %s%n", cacheCounts(cacheWithChurn));
        noChurn.ifPresent(window -> {
            out.printf("%nno churn (%.1f s):%n", window.seconds());
            LoadTest.routeTable(out, quietStats, window.seconds());
            out.printf("x-cache of the readers' 200s: %s%n", cacheCounts(cacheQuiet));
        });

        long probeReads = churnStats.of(Route.SEAT_MAP_PROBE).count();
        out.printf("%nfreshness (from the change's answer to the first probe answer showing it; a probe read every %d ms at most, %s):%n",
                FreshnessProbe.INTERVAL_MS, probeReads == 0 ? "none in the window"
                        : String.format("one every %.0f ms in the window", withChurn.seconds() * 1000 / probeReads));
        out.println("  " + freshness("hold -> no seat A", probe.holds()));
        out.println("  " + freshness("confirm -> all seats S", probe.sales()));

        out.printf("%nredis %s, bytes out of Redis and commands (every client's: readers, probe, churn, stream function; this report's INFO left out):%n",
                redis.map(address -> address.getHostString() + ":" + address.getPort())
                        .orElse("not measured (no port: none in the stack's log, or --url without --redis-port)"));
        out.println("  " + redisLine(withChurn));
        noChurn.ifPresent(window -> out.println("  " + redisLine(window)));

        out.printf("%ndynamodb: the stack's AWS SDK calls, %s%n", counterLoaded);
        withChurn.start().sdk().filter(counts -> counts.clients() > 0).ifPresent(counts -> out.printf(
                "  %-10s seats-table Query %,d (%.2f full reads, in setup and warm-up: the first build of the map is one)%n",
                "before:", counts.of("Query", "seats"), (double) counts.of("Query", "seats") / QUERIES_PER_FULL_READ));
        out.println("  " + sdkLine(withChurn));
        noChurn.ifPresent(window -> out.println("  " + sdkLine(window)));

        out.println();
        goals(out, withChurn, noChurn, probe.holds());
    }

    private static String cacheCounts(Map<String, LongAdder> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        return new TreeMap<>(counts).entrySet().stream()
                .map(entry -> entry.getKey() + " " + String.format("%,d", entry.getValue().sum()))
                .collect(Collectors.joining(", "));
    }

    private static String freshness(String what, FreshnessProbe.Findings findings) {
        Histogram seen = findings.freshnessMicros;
        if (findings.watched() == 0) {
            return what + ": none in the measured window";
        }
        String late = String.format("%,d never seen within %d s, %,d cancelled before seen", findings.neverSeen,
                TimeUnit.NANOSECONDS.toSeconds(FreshnessProbe.GIVE_UP_NANOS), findings.undoneBeforeSeen);
        if (seen.getTotalCount() == 0) {
            return String.format("%s: %,d changes, none seen (the map never showed one: is the seats table's stream applied?); %s",
                    what, findings.watched(), late);
        }
        return String.format("%s: %,d changes, %,d seen: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %s", what,
                findings.watched(), seen.getTotalCount(), RouteStats.millis(seen, 50), RouteStats.millis(seen, 99),
                seen.getMaxValue() / 1000.0, late);
    }

    private static String redisLine(Window window) {
        if (window.start().redis().isEmpty() || window.end().redis().isEmpty()) {
            return window.name() + ": not measured";
        }
        RedisInfo.Snapshot start = window.start().redis().get();
        RedisInfo.Snapshot end = window.end().redis().get();
        long bytes = end.outputBytesSince(start);
        Map<String, Long> calls = end.callsSince(start);
        calls.remove("info");
        long evalsha = calls.getOrDefault("evalsha", 0L);
        long reads = Math.max(1, window.seatMapReads());
        return String.format("%-10s %,d bytes out, %,.0f a seat-map read (%,d reads); EVALSHA %,d, %.2f a read; commands: %s",
                window.name() + ":", bytes, (double) bytes / reads, window.seatMapReads(), evalsha, (double) evalsha / reads,
                calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(call -> call.getKey() + " " + String.format("%,d", call.getValue()))
                        .collect(Collectors.joining(", ")));
    }

    private static String sdkLine(Window window) {
        if (window.start().sdk().isEmpty() || window.end().sdk().isEmpty() || window.end().sdk().get().clients() == 0) {
            return window.name() + ": not measured";
        }
        SdkCallCounter.Counts start = window.start().sdk().get();
        SdkCallCounter.Counts end = window.end().sdk().get();
        long queries = seatQueries(window);
        return String.format("%-10s seats-table Query %,d (%,.0f a minute, %.2f full reads of %d); all calls: %s",
                window.name() + ":", queries, queries * 60 / window.seconds(), (double) queries / QUERIES_PER_FULL_READ,
                QUERIES_PER_FULL_READ, end.since(start).entrySet().stream()
                        .map(call -> call.getKey() + " " + String.format("%,d", call.getValue()))
                        .collect(Collectors.joining(", ")));
    }

    private static long seatQueries(Window window) {
        return window.end().sdk().get().of("Query", "seats") - window.start().sdk().get().of("Query", "seats");
    }

    private void goals(PrintStream out, Window withChurn, Optional<Window> noChurn, FreshnessProbe.Findings holds) {
        RouteStats.PerRoute reads = churnStats.of(Route.SEAT_MAP);
        double p99 = RouteStats.millis(reads.latencyMicros, 99);
        boolean readsOk = reads.count() > 0 && reads.failures.sum() == 0;
        out.println("goals:");
        out.printf("  seat-map p99 < %.0f ms at the closed-loop ceiling: %s (p99 %.2f ms at %,.0f reads/s, %,d failed)%n",
                P99_GOAL_MS, readsOk && p99 < P99_GOAL_MS ? "MET" : "NOT MET", p99, reads.count() / withChurn.seconds(),
                reads.failures.sum());

        // a change seen late or never is slower than the goal: counted so, at the give-up time
        Histogram everyHold = holds.freshnessMicros.copy();
        long late = holds.neverSeen + holds.undoneBeforeSeen;
        if (late > 0) {
            everyHold.recordValueWithCount(TimeUnit.NANOSECONDS.toMicros(FreshnessProbe.GIVE_UP_NANOS), late);
        }
        double freshnessP99 = RouteStats.millis(everyHold, 99);
        out.printf("  hold freshness p99 <= %.0f s: %s%n", FRESHNESS_GOAL_MS / 1000, holds.watched() == 0
                ? "NOT MEASURED (no hold in the measured window)"
                : String.format("%s (p99 %.0f ms, counting %,d of %,d holds not seen in time as %d s)",
                freshnessP99 <= FRESHNESS_GOAL_MS && holds.freshnessMicros.getTotalCount() > 0 ? "MET" : "NOT MET",
                freshnessP99, late, holds.watched(), TimeUnit.NANOSECONDS.toSeconds(FreshnessProbe.GIVE_UP_NANOS)));

        boolean sdkMeasured = withChurn.start().sdk().isPresent() && withChurn.end().sdk().isPresent()
                && withChurn.end().sdk().get().clients() > 0;
        out.printf("  no full rescan in steady state: %s%n", !sdkMeasured ? "NOT MEASURED (no SDK call counts)"
                : seatQueries(withChurn) == 0 ? "MET (no seats-table Query in the window with churn)"
                : String.format("NOT MET (%,d seats-table Queries with churn)", seatQueries(withChurn)));

        Optional<Window> unchanged = noChurn.filter(window -> window.start().redis().isPresent()
                && window.end().redis().isPresent() && window.seatMapReads() > 0);
        out.printf("  <= %d bytes out of Redis per unchanged read: %s%n", UNCHANGED_READ_GOAL_BYTES, unchanged.map(window -> {
            double perRead = (double) window.end().redis().get().outputBytesSince(window.start().redis().get()) / window.seatMapReads();
            return String.format("%s (%.0f bytes a read with no churn)", perRead <= UNCHANGED_READ_GOAL_BYTES ? "MET" : "NOT MET", perRead);
        }).orElse("NOT MEASURED (" + (noChurn.isEmpty() ? "--quiet-window 0" : "no Redis counters or no reads") + ")"));
    }
}
