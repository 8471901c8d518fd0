package dev.onsale.http;

import dev.onsale.platform.Config;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a route's guards in ONE Redis round trip: every guard's script call goes out in one write
 * before any reply is awaited (pipelined on the shared Lettuce connection; on a cluster each goes to
 * its slot's node at once), then each guard decides on its own reply. A call that fails, or has no
 * reply within the guard timeout, gets that guard's {@link Guard#whenRedisUnavailable} decision.
 */
public final class Guards {
    private static final System.Logger LOG = System.getLogger(Guards.class.getName());
    /** Headers that list one item per policy: several guards' values are joined. */
    private static final Set<String> LIST_HEADERS = Set.of("ratelimit", "ratelimit-policy");
    static final String RETRY_AFTER = "retry-after";

    /** A route without guards: no Redis, nothing added. */
    public static final Guards NONE = new Guards(null, Duration.ZERO, List.of());

    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final Redis redis;
    private final Duration timeout;
    private final List<Guard> guards;
    /** When the last "Redis unavailable" line was logged: an outage is counted on every request but logged once a second. */
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private final RefusalTally refusals;

    public Guards(Redis redis, Duration timeout, List<Guard> guards) {
        this(redis, timeout, guards, RefusalTally.SHARED);
    }

    public Guards(Redis redis, Duration timeout, List<Guard> guards, RefusalTally refusals) {
        this.redis = redis;
        this.timeout = timeout;
        this.guards = List.copyOf(guards);
        this.refusals = refusals;
    }

    /** The guards on the function's shared Redis connection, waiting at most {@code GUARD_TIMEOUT_MS}. */
    public static Guards of(Config config, List<Guard> guards) {
        return new Guards(Redis.shared(config.redis()), config.protection().guardTimeout(), guards);
    }

    public boolean isEmpty() {
        return guards.isEmpty();
    }

    /** Every guard's decision on {@code request}, combined: the first refusal wins, all guards' headers are kept. */
    public Guard.Verdict check(Guard.Request request) {
        return check(request, Optional.empty()).verdict();
    }

    /**
     * The guards' verdict, and the reply to the route's own call {@code alongside} (sent in the same write
     * as the guards', so the request still costs one round trip; empty when there are no guards to send it with).
     */
    public record Checked(Guard.Verdict verdict, Optional<CompletableFuture<Object>> alongside) {
    }

    public Checked check(Guard.Request request, Optional<Redis.ScriptCall> alongside) {
        if (guards.isEmpty()) {
            return new Checked(Guard.Verdict.Pass.PLAIN, Optional.empty());
        }
        List<Optional<Redis.ScriptCall>> calls = new ArrayList<>(guards.size() + 1);
        for (Guard guard : guards) {
            calls.add(guard.prepare(request));
        }
        alongside.ifPresent(call -> calls.add(Optional.of(call)));
        List<CompletableFuture<Object>> replies = send(calls);
        awaitAll(replies);
        List<Guard.Verdict> verdicts = new ArrayList<>(guards.size());
        Throwable failure = null;
        for (int i = 0; i < guards.size(); i++) {
            Guard guard = guards.get(i);
            CompletableFuture<Object> reply = replies.get(i);
            if (reply == null) {
                verdicts.add(guard.decide(request, null));
            } else if (reply.isDone() && !reply.isCompletedExceptionally()) {
                verdicts.add(guard.decide(request, reply.join()));
            } else {
                failure = reply.isDone() ? reply.exceptionNow() : new TimeoutException("no reply within " + timeout.toMillis() + " ms");
                verdicts.add(guard.whenRedisUnavailable(request));
            }
        }
        Guard.Verdict verdict = combine(verdicts);
        if (failure != null) {
            reportUnavailable(request, verdict, failure);
        }
        flushRefusals(); // the 429s this instance answered (RequestTelemetry counts them), at most every few seconds
        return new Checked(verdict, alongside.map(call -> replies.getLast()));
    }

    /** The instance's 429s, added to the fleet's tally every few seconds: sent, never awaited. */
    private void flushRefusals() {
        List<Redis.ScriptCall> calls = refusals.drainIfDue();
        if (calls.isEmpty()) {
            return;
        }
        try {
            redis.runScripts(calls).forEach(reply -> reply.exceptionally(failure -> {
                LOG.log(System.Logger.Level.DEBUG, "a flush of the refusal tally was lost: " + failure);
                return null;
            }));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "a flush of the refusal tally was lost: " + e);
        }
    }

    /** Waits (once, whatever the number of calls) until every reply is in or the guard timeout has passed. */
    private void awaitAll(List<CompletableFuture<Object>> replies) {
        CompletableFuture<?>[] pending = replies.stream().filter(reply -> reply != null && !reply.isDone())
                .toArray(CompletableFuture[]::new);
        if (pending.length == 0) {
            return;
        }
        try {
            CompletableFuture.allOf(pending).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // each reply is looked at on its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets the guards learn how the route answered (e.g. a failed hold). Usually nothing is sent; when
     * something is, a failure is logged and counted but never changes the answer already made.
     */
    public void afterAnswer(Guard.Request request, ApiResponse answer) {
        if (guards.isEmpty()) {
            return;
        }
        List<Optional<Redis.ScriptCall>> calls = new ArrayList<>(guards.size());
        boolean any = false;
        for (Guard guard : guards) {
            Optional<Redis.ScriptCall> call = guard.afterAnswer(request, answer);
            any |= call.isPresent();
            calls.add(call);
        }
        if (!any) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Object> reply : send(calls)) {
            if (reply == null) {
                continue;
            }
            try {
                reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not record the outcome of " + request.route() + " in Redis: " + e);
                Metrics.count("GuardRecordFailed", request.route());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sends every call in one write before awaiting any; a null entry where a guard asked for none. */
    private List<CompletableFuture<Object>> send(List<Optional<Redis.ScriptCall>> calls) {
        List<Redis.ScriptCall> scripts = new ArrayList<>(calls.size());
        for (Optional<Redis.ScriptCall> call : calls) {
            call.ifPresent(scripts::add);
        }
        List<CompletableFuture<Object>> sent;
        try {
            sent = scripts.isEmpty() ? List.of() : redis.runScripts(scripts); // connects on first use, and may fail to
        } catch (RuntimeException e) {
            sent = scripts.stream().map(s -> CompletableFuture.<Object>failedFuture(e)).toList();
        }
        List<CompletableFuture<Object>> replies = new ArrayList<>(calls.size());
        int next = 0;
        for (Optional<Redis.ScriptCall> call : calls) {
            replies.add(call.isPresent() ? sent.get(next++) : null);
        }
        return replies;
    }

    private void reportUnavailable(Guard.Request request, Guard.Verdict verdict, Throwable failure) {
        boolean open = verdict instanceof Guard.Verdict.Pass;
        Metrics.count(open ? "GuardsFailedOpen" : "GuardsFailedClosed", request.route());
        long now = System.nanoTime();
        long last = lastLogged.get();
        long since = now - last;
        // negative after a SnapStart restore, whose monotonic clock need not continue the snapshot's
        if ((since >= LOG_EVERY_NANOS || since < 0) && lastLogged.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "Redis unavailable for the guards of " + request.route() + " ("
                    + failure + "); failing " + (open ? "open" : "closed") + " (logged at most once a second, counted always)");
        }
    }

    /**
     * One verdict for the route: the first refusal, or a pass. Either way it carries every guard's
     * policy headers, listed in guard order whichever guard refused.
     */
    static Guard.Verdict combine(List<Guard.Verdict> verdicts) {
        ApiResponse refusal = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (Guard.Verdict verdict : verdicts) {
            switch (verdict) {
                case Guard.Verdict.Pass pass -> merge(headers, pass.headers());
                case Guard.Verdict.Refuse refuse -> {
                    refusal = refusal == null ? refuse.response() : refusal;
                    Map<String, String> policyHeaders = new LinkedHashMap<>();
                    refuse.response().headers().forEach((name, value) -> {
                        if (LIST_HEADERS.contains(name) || name.equals(RETRY_AFTER)) {
                            policyHeaders.put(name, value);
                        }
                    });
                    merge(headers, policyHeaders);
                }
            }
        }
        if (refusal == null) {
            return headers.isEmpty() ? Guard.Verdict.Pass.PLAIN : new Guard.Verdict.Pass(headers);
        }
        headers.forEach(refusal::header);
        return new Guard.Verdict.Refuse(refusal);
    }

    /** Adds {@code more} to {@code into}: list headers are joined, Retry-After keeps the longest wait, others the first value. */
    static void merge(Map<String, String> into, Map<String, String> more) {
        more.forEach((name, value) -> into.merge(name, value, (old, added) -> {
            if (LIST_HEADERS.contains(name)) {
                return old + ", " + added;
            }
            if (name.equals(RETRY_AFTER)) {
                return Long.parseLong(old) >= Long.parseLong(added) ? old : added;
            }
            return old;
        }));
    }
}
