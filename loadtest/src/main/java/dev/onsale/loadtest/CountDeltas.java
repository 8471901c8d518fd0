package dev.onsale.loadtest;

import java.util.Map;
import java.util.TreeMap;

/** Counters read twice (Redis's commands, the stack's SDK calls): what each grew by in between. */
final class CountDeltas {
    private CountDeltas() {
    }

    /** Each counter's growth from {@code before} to {@code now}, sorted, leaving out those that did not grow. */
    static Map<String, Long> since(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> grown = new TreeMap<>();
        now.forEach((name, n) -> {
            long since = n - before.getOrDefault(name, 0L);
            if (since > 0) {
                grown.put(name, since);
            }
        });
        return grown;
    }
}
