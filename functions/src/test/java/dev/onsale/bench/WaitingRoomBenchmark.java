package dev.onsale.bench;

import dev.onsale.http.Guard;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.AdmissionTokens;
import dev.onsale.waitingroom.TokenKeyRing;
import dev.onsale.waitingroom.WaitingRoomService;
import dev.onsale.waitingroom.WaitingRoomStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A million fans join one event's waiting room through the real join code (service, script, token
 * signing), pipelined over one Lettuce connection from a few threads; then the time, joins per second,
 * Redis memory per queued fan ({@code INFO memory} before and after) and check-in latency at that size.
 * User ids are UUIDs, as Cognito's {@code sub} is: the longest ids a real line holds.
 *
 * Then status polls from {@value #INSTANCES} simulated function instances for 10 s: Redis script calls (and commands,
 * with those the scripts run) per poll. Then a pre-queue of as many fans: the joins, the memory of its lottery, and
 * the opening: the door's first reading, and the first check-ins of pre-queued fans (each draws its line number).
 *
 * <pre>scripts/bench waitingroom [fans=1000000] [threads=4] [in-flight per thread=256] [polls=20000]</pre>
 */
public final class WaitingRoomBenchmark {
    private static final long EVENT = 9_990_000_001L;
    private static final long WARM_UP_EVENT = 9_990_000_002L;
    private static final long PRE_QUEUE_EVENT = 9_990_000_003L;
    /** Function instances simulated for the polls: each reads a room's door on its own, at most once a second. */
    private static final int INSTANCES = 50;
    private static final int SAMPLE_EVERY = 50;

    public static void main(String[] args) throws Exception {
        Figures.start("waitingroom");
        int fans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int polls = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;

        LocalStack stack = EmbeddedStack.get();
        Config config = EmbeddedStack.config("JoinWaitingRoomFunction");
        Config.WaitingRoom settings = Config.WaitingRoom.from(stack.functionEnvironment("JoinWaitingRoomFunction")::get);
        // a bulk loader keeps a thousand calls in flight: the functions' 500 ms command timeout would
        // count queueing behind them (or a GC pause on these 2 shared cores) as failures
        Config.RedisSettings functions = config.redis();
        Redis redis = Redis.dedicated(new Config.RedisSettings(functions.host(), functions.port(), functions.tls(),
                functions.cluster(), Duration.ofSeconds(10)));
        WaitingRoomService rooms = new WaitingRoomService(new WaitingRoomStore(redis),
                new AdmissionTokens(TokenKeyRing.shared(config), Clock.systemUTC()), settings, Clock.systemUTC());
        try {
            Figures.OUT.printf("redis-server %s on %s:%d; %d fans, %d threads x %d in flight%n",
                    info(redis, "server", "redis_version"), stack.redisHost(), stack.redisPort(), fans, threads, window);

            // warm-up on another event: class loading, JIT, the script cached by the server
            rooms.enable(WARM_UP_EVENT, 1_000, 300);
            AtomicReferenceArray<String> warmTokens = new AtomicReferenceArray<>(20_000 / SAMPLE_EVERY + 1);
            join(rooms, WARM_UP_EVENT, "warm-", 20_000, threads, window, warmTokens);
            redis.sync().configResetstat();
            Random warmRandom = new Random(3);
            for (int i = 0; i < 20_000; i++) {
                rooms.status(WARM_UP_EVENT, warmTokens.get(warmRandom.nextInt(20_000 / SAMPLE_EVERY)), Optional.empty());
            }
            // the same check-ins on a line 50 times shorter: the server's time per call should not grow with the line
            Figures.OUT.printf("poll at 20,000 queued (warm-up), in redis-server: %s%n", serverTime(redis));
            checkAdmission(rooms, redis, WARM_UP_EVENT, 5_000);
            rooms.disable(WARM_UP_EVENT);
            rooms.disable(EVENT);
            Thread.sleep(500); // UNLINK frees in the background
            rooms.enable(EVENT, 1_000, 300);

            long memoryBefore = usedMemory(redis);
            AtomicReferenceArray<String> sampled = new AtomicReferenceArray<>(fans / SAMPLE_EVERY + 1);
            long start = System.nanoTime();
            int failed = join(rooms, EVENT, "", fans, threads, window, sampled);
            double seconds = (System.nanoTime() - start) / 1e9;
            long memoryAfter = usedMemory(redis);

            WaitingRoomService.Stats stats = rooms.stats(EVENT);
            Figures.OUT.printf("joins: %,d in %.2f s = %,.0f joins/s; failed %d; queue_size %,d%n",
                    fans, seconds, fans / seconds, failed, stats.queueSize());
            Figures.OUT.printf("redis memory: used_memory %,d -> %,d bytes = %.1f bytes per queued fan%n",
                    memoryBefore, memoryAfter, (memoryAfter - memoryBefore) / (double) fans);
            for (String key : List.of("queue", "places", "status", "config")) {
                String name = "waiting_room:" + key + ":{event:" + EVENT + "}";
                Figures.OUT.printf("  MEMORY USAGE %-38s %,d bytes%n", name, redis.sync().memoryUsage(name));
            }

            // check-ins of fans all along the line, one at a time: the latency one Lambda sees
            redis.sync().configResetstat();
            Random random = new Random(7);
            Latencies pollLatency = new Latencies();
            int admitted = 0;
            for (int i = 0; i < polls; i++) {
                String token = sampled.get(random.nextInt(fans / SAMPLE_EVERY));
                long began = System.nanoTime();
                var outcome = rooms.status(EVENT, token, Optional.empty());
                pollLatency.record(System.nanoTime() - began);
                if (outcome instanceof WaitingRoomService.StatusOutcome.Known known
                        && known.standing() instanceof WaitingRoomService.Standing.Admitted) {
                    admitted++;
                }
            }
            Figures.OUT.printf("poll (status) at %,d queued: p50 %.3f ms, p99 %.3f ms, max %.3f ms over %,d polls (%d admitted)%n",
                    fans, pollLatency.percentileMillis(50), pollLatency.percentileMillis(99), pollLatency.percentileMillis(100),
                    polls, admitted);
            Figures.OUT.printf("  in redis-server: %s%n", serverTime(redis));

            // a late joiner at the back of a million, and the guard's one call, one at a time
            redis.sync().configResetstat();
            Latencies joinLatency = new Latencies();
            for (int i = 0; i < 5_000; i++) {
                long began = System.nanoTime();
                rooms.join(EVENT, "late-" + i);
                joinLatency.record(System.nanoTime() - began);
            }
            Figures.OUT.printf("join at %,d queued: p50 %.3f ms, p99 %.3f ms%n",
                    fans, joinLatency.percentileMillis(50), joinLatency.percentileMillis(99));
            Figures.OUT.printf("  in redis-server: %s%n", serverTime(redis));
            redis.sync().configResetstat();
            Latencies guardLatency = checkAdmission(rooms, redis, EVENT, 5_000);
            Figures.OUT.printf("admission guard (verify + one script call) at %,d queued: p50 %.3f ms, p99 %.3f ms%n",
                    fans, guardLatency.percentileMillis(50), guardLatency.percentileMillis(99));
            Figures.OUT.printf("  in redis-server: %s%n", serverTime(redis));

            pollsFromManyInstances(redis, config, settings, sampled, fans, threads);
            preQueue(redis, rooms, config, settings, fans, threads, window);
        } finally {
            rooms.disable(EVENT);
            rooms.disable(WARM_UP_EVENT);
            rooms.disable(PRE_QUEUE_EVENT);
            Thread.sleep(1_000);
            Figures.OUT.printf("after deleting the event's keys: used_memory %,d bytes%n", usedMemory(redis));
            redis.close();
            Figures.closeRedis();
            stack.close();
        }
    }

    /**
     * Fans all along a line of a million poll for 10 s through {@link #INSTANCES} instances (each its own service, so its
     * own reading of the door), from {@code threads} threads as fast as they can: how many Redis calls the polls cost.
     */
    private static void pollsFromManyInstances(Redis redis, Config config, Config.WaitingRoom settings,
                                               AtomicReferenceArray<String> sampled, int fans, int threads) throws InterruptedException {
        List<WaitingRoomService> fleet = new java.util.ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            fleet.add(new WaitingRoomService(new WaitingRoomStore(redis), new AdmissionTokens(TokenKeyRing.shared(config), Clock.systemUTC()),
                    settings, Clock.systemUTC()));
        }
        redis.sync().configResetstat();
        java.util.concurrent.atomic.LongAdder polls = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder admitted = new java.util.concurrent.atomic.LongAdder();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread.ofPlatform().name("poll-" + t).start(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < end) {
                    var outcome = fleet.get(random.nextInt(INSTANCES)).status(EVENT,
                            sampled.get(random.nextInt(fans / SAMPLE_EVERY)), Optional.empty());
                    polls.increment();
                    if (outcome instanceof WaitingRoomService.StatusOutcome.Known known
                            && known.standing() instanceof WaitingRoomService.Standing.Admitted) {
                        admitted.increment();
                    }
                }
                done.countDown();
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long scripts = commandCalls(redis, true);
        long commands = commandCalls(redis, false);
        Figures.OUT.printf("polls from %d instances at %,d queued: %,d polls in %.1f s = %,.0f polls/s (%d admitted)%n",
                INSTANCES, fans, polls.sum(), seconds, polls.sum() / seconds, admitted.sum());
        Figures.OUT.printf("  Redis script calls: %,d = %.5f per poll, %.1f per second (%d instances x 1/s + admissions bound it)%n",
                scripts, scripts / (double) polls.sum(), scripts / seconds, INSTANCES);
        Figures.OUT.printf("  Redis commands (with those the scripts ran): %,d = %.5f per poll%n", commands, commands / (double) polls.sum());
    }

    /**
     * A pre-queue of {@code fans}: joined while it is open, then the opening. Nothing is shuffled at the opening (each
     * place's lottery key was drawn at its join), so the opening costs the door's first reading and, per pre-queued fan,
     * one check-in that ranks its key: both timed, while the crowd checks in.
     */
    private static void preQueue(Redis redis, WaitingRoomService rooms, Config config, Config.WaitingRoom settings, int fans,
                                 int threads, int window) throws InterruptedException {
        rooms.enable(PRE_QUEUE_EVENT, new WaitingRoomService.Switches(java.util.OptionalInt.of(1_000), java.util.OptionalInt.of(300),
                java.util.OptionalInt.of(0), Optional.of(java.time.Instant.now())), Optional.of(java.time.Instant.now().plusSeconds(3_600)));
        long memoryBefore = usedMemory(redis);
        AtomicReferenceArray<String> sampled = new AtomicReferenceArray<>(fans / SAMPLE_EVERY + 1);
        long start = System.nanoTime();
        int failed = join(rooms, PRE_QUEUE_EVENT, "pre-", fans, threads, window, sampled);
        double seconds = (System.nanoTime() - start) / 1e9;
        long memoryAfter = usedMemory(redis);
        Figures.OUT.printf("pre-queue joins: %,d in %.2f s = %,.0f joins/s; failed %d; %.1f bytes per pre-queued fan (lottery key included)%n",
                fans, seconds, fans / seconds, failed, (memoryAfter - memoryBefore) / (double) fans);
        // the sale opens in 2 s (enabling again before the opening only moves it)
        java.time.Instant opens = java.time.Instant.now().plusSeconds(2);
        rooms.enable(PRE_QUEUE_EVENT, new WaitingRoomService.Switches(java.util.OptionalInt.of(1_000), java.util.OptionalInt.of(300),
                java.util.OptionalInt.of(0), Optional.of(java.time.Instant.now().minusSeconds(1))), Optional.of(opens));
        WaitingRoomService instance = new WaitingRoomService(new WaitingRoomStore(redis),
                new AdmissionTokens(TokenKeyRing.shared(config), Clock.systemUTC()), settings, Clock.systemUTC());
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), opens).toMillis()) + 20);
        redis.sync().configResetstat();
        long began = System.nanoTime();
        var firstStandings = instance.status(PRE_QUEUE_EVENT, sampled.get(0), Optional.empty());
        double firstMillis = (System.nanoTime() - began) / 1e6;
        Latencies drawn = new Latencies();
        Random random = new Random(11);
        int admitted = 0;
        for (int i = 0; i < 20_000; i++) {
            long at = System.nanoTime();
            var outcome = instance.status(PRE_QUEUE_EVENT, sampled.get(random.nextInt(fans / SAMPLE_EVERY)), Optional.empty());
            drawn.record(System.nanoTime() - at);
            if (outcome instanceof WaitingRoomService.StatusOutcome.Known known
                    && known.standing() instanceof WaitingRoomService.Standing.Admitted) {
                admitted++;
            }
        }
        Figures.OUT.printf("opening a pre-queue of %,d: nothing to shuffle; the first check-in (the door's first reading, the"
                + " pre-queue closed) %.2f ms (%s)%n", fans, firstMillis, firstStandings.getClass().getSimpleName());
        Figures.OUT.printf("  first check-ins of pre-queued fans (each ranks its lottery key): p50 %.3f ms, p99 %.3f ms, max %.3f ms"
                + " over 20,000 (%d admitted)%n", drawn.percentileMillis(50), drawn.percentileMillis(99), drawn.percentileMillis(100), admitted);
        Figures.OUT.printf("  in redis-server: %s%n", serverTime(redis));
        Figures.OUT.printf("  MEMORY USAGE waiting_room:lottery:{event:%d} %,d bytes%n", PRE_QUEUE_EVENT,
                redis.sync().memoryUsage("waiting_room:lottery:{event:" + PRE_QUEUE_EVENT + "}"));
    }

    /** Calls since the last CONFIG RESETSTAT: of EVAL/EVALSHA only ({@code scriptsOnly}), or of every command. */
    private static long commandCalls(Redis redis, boolean scriptsOnly) {
        long calls = 0;
        for (String line : redis.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && (!scriptsOnly || line.startsWith("cmdstat_eval"))
                    && !line.startsWith("cmdstat_info") && !line.startsWith("cmdstat_config")) {
                calls += Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"));
            }
        }
        return calls;
    }

    /** The seat-map route's admission check for fans without a session, one at a time, as a guard runner makes it. */
    private static Latencies checkAdmission(WaitingRoomService rooms, Redis redis, long eventId, int count) {
        AdmissionGuard guard = rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.PASS);
        Latencies latencies = new Latencies();
        for (int i = 0; i < count; i++) {
            Guard.Request request = new Guard.Request("GET /api/v1/events/{event_id}/seats", Optional.of("late-" + i), "127.0.0.1",
                    Map.of("event_id", Long.toString(eventId)), Map.of(), Map.of());
            long began = System.nanoTime();
            Redis.ScriptCall call = guard.prepare(request).orElseThrow();
            Object reply = call.run(redis);
            guard.decide(request, reply);
            latencies.record(System.nanoTime() - began);
        }
        return latencies;
    }

    /** Joins {@code count} fans, {@code window} in flight per thread; answers how many failed. */
    private static int join(WaitingRoomService rooms, long eventId, String prefix, int count, int threads, int window,
                            AtomicReferenceArray<String> sampled) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().name("join-" + t).start(() -> {
                Semaphore inFlight = new Semaphore(window);
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    inFlight.acquireUninterruptibly();
                    int fan = i;
                    rooms.joinAsync(eventId, prefix + new UUID(0x5EEDL, fan)).whenComplete((joined, error) -> {
                        inFlight.release();
                        if (error != null) {
                            failed.incrementAndGet();
                        } else if (sampled != null && fan % SAMPLE_EVERY == 0) {
                            sampled.set(fan / SAMPLE_EVERY, joined.queueToken());
                        }
                    });
                }
                inFlight.acquireUninterruptibly(window);
                done.countDown();
            });
        }
        done.await();
        return failed.get();
    }

    /** The server's own time per script call since the last CONFIG RESETSTAT: the part no client jitter adds to. */
    private static String serverTime(Redis redis) {
        for (String line : redis.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                return "EVALSHA " + line.substring("cmdstat_evalsha:".length());
            }
        }
        return "no EVALSHA calls";
    }

    private static long usedMemory(Redis redis) {
        return Long.parseLong(info(redis, "memory", "used_memory"));
    }

    private static String info(Redis redis, String section, String field) {
        for (String line : redis.sync().info(section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException(field + " not in INFO " + section);
    }
}
