package dev.onsale.http;

import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The 429s a function instance answered, by minute and rule (counted where the {@code Throttled} metric is, in
 * {@link RequestTelemetry}), held in memory and added to the fleet's tally in Redis with the guards' calls at most once per {@link #FLUSH_EVERY}: a
 * refusal costs no Redis command of its own, so a bot storm answered with 429s does not become a storm of counter
 * writes on one key. The operator's console reads the tally ({@link #read}); the same figures are the
 * {@code Throttled} metric in CloudWatch. A flush whose write fails is lost (the metric still has it).
 */
public final class RefusalTally {
    /** How often an instance adds what it counted: the console's figures lag by at most this. */
    public static final Duration FLUSH_EVERY = Duration.ofSeconds(5);
    /** How long a minute of the tally is kept after its last addition. */
    static final Duration KEPT = Duration.ofHours(1);
    private static final RedisScript ADD = RedisScript.load(RefusalTally.class, "refusals_add.lua");

    /** The function instance's one tally (each Lambda instance is one JVM). */
    public static final RefusalTally SHARED = new RefusalTally(System::currentTimeMillis);

    private final LongSupplier clock;
    /** epoch minute -> rule -> count */
    private final ConcurrentMap<Long, ConcurrentMap<String, LongAdder>> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastFlush;

    public RefusalTally(LongSupplier clockMillis) {
        this.clock = clockMillis;
        this.lastFlush = new AtomicLong(clockMillis.getAsLong());
    }

    /** The key of one minute of the fleet's tally. */
    public static String key(long epochMinute) {
        return "refusals:{ops}:" + epochMinute;
    }

    /** Counts one 429 answered now, refused by {@code rule}. */
    public void count(String rule) {
        pending.computeIfAbsent(clock.getAsLong() / 60_000, minute -> new ConcurrentHashMap<>())
                .computeIfAbsent(rule, r -> new LongAdder()).increment();
    }

    /**
     * When a flush is due and something was counted: the calls that add it to the tally (one per minute counted),
     * taking it out of this instance's counts; else nothing. Called by {@link Guards} beside its own calls.
     */
    public List<Redis.ScriptCall> drainIfDue() {
        long now = clock.getAsLong();
        long last = lastFlush.get();
        if (pending.isEmpty() || now - last < FLUSH_EVERY.toMillis() || !lastFlush.compareAndSet(last, now)) {
            return List.of();
        }
        List<Redis.ScriptCall> calls = new ArrayList<>();
        for (Long minute : List.copyOf(pending.keySet())) {
            Map<String, LongAdder> rules = pending.remove(minute);
            if (rules == null) {
                continue;
            }
            List<String> args = new ArrayList<>();
            args.add(Long.toString(KEPT.toSeconds()));
            rules.forEach((rule, count) -> {
                args.add(rule);
                args.add(Long.toString(count.sum()));
            });
            calls.add(new Redis.ScriptCall(ADD, Redis.Reply.INTEGER, new String[] {key(minute)}, args.toArray(String[]::new)));
        }
        return calls;
    }

    /** One minute of the fleet's tally: when it began (epoch minute) and its 429s by rule. */
    public record Minute(long epochMinute, Map<String, Long> byRule) {
    }

    /**
     * The fleet's tally of the last {@code minutes} minutes (this one included), oldest first: one pipelined read of
     * that many small hashes.
     */
    public static List<Minute> read(Redis redis, int minutes, long nowMillis, Duration timeout) {
        long current = nowMillis / 60_000;
        List<CompletableFuture<Map<String, String>>> replies = new ArrayList<>();
        for (long minute = current - minutes + 1; minute <= current; minute++) {
            replies.add(redis.async().hgetall(key(minute)).toCompletableFuture());
        }
        List<Minute> tally = new ArrayList<>();
        try {
            for (int i = 0; i < replies.size(); i++) {
                Map<String, Long> byRule = new TreeMap<>();
                replies.get(i).get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((rule, count) -> byRule.put(rule, Long.parseLong(count)));
                tally.add(new Minute(current - minutes + 1 + i, byRule));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw Redis.unavailable("the refusal tally could not be read", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Redis.unavailable("interrupted reading the refusal tally", e);
        }
        return tally;
    }
}
