package dev.onsale.protection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code guard.lua}'s rate limits kept in this function instance's memory instead of Redis, answering in the same
 * shape: for a route whose every request must cost Redis nothing (a waiting-room status poll far from the front).
 * Each instance counts on its own, so a subject spread over n instances gets up to n times the quota; what it gets is
 * answers from memory, which is what the limit protects here. Bounded: arrival times that have passed are dropped when
 * the map grows large.
 */
final class InstanceLimiter {
    private static final int PURGE_AT = 100_000;

    private final Map<String, Long> arrivals = new HashMap<>();

    /** Spends one request of each limit under {@code keys} (all or nothing), as guard.lua's limits do. */
    synchronized List<Object> spend(String[] keys, List<RateLimit> limits) {
        long now = System.currentTimeMillis() * 1_000;
        if (arrivals.size() > PURGE_AT) {
            arrivals.values().removeIf(tat -> tat <= now);
        }
        long[] tats = new long[limits.size()];
        boolean limited = false;
        for (int i = 0; i < limits.size(); i++) {
            tats[i] = Math.max(arrivals.getOrDefault(keys[i], 0L), now);
            if (tats[i] + limits.get(i).emissionIntervalMicros() - limits.get(i).burstMicros() > now) {
                limited = true;
            }
        }
        List<Object> reply = new ArrayList<>(List.of(limited ? 1L : 0L, "", 0L));
        for (int i = 0; i < limits.size(); i++) {
            long interval = limits.get(i).emissionIntervalMicros();
            long burst = limits.get(i).burstMicros();
            long tat = tats[i];
            long wait = tat + interval - burst - now;
            if (!limited) {
                tat += interval;
                arrivals.put(keys[i], tat);
            }
            reply.add(Math.max(0, Math.floorDiv(now + burst - tat, interval)));
            reply.add(tat - now);
            reply.add(Math.max(wait, 0));
            if (wait > (Long) reply.get(2)) {
                reply.set(2, wait);
            }
        }
        return reply;
    }
}
