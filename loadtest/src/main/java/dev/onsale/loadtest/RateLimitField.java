package dev.onsale.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IETF {@code RateLimit} header field as the API sends it, one item per policy:
 * {@code "seatmap";r=19;t=3, "seatmap-ip";r=599;t=1}. Read for the requests each policy has left.
 */
final class RateLimitField {

    private RateLimitField() {}

    /** Policy name to requests left ({@code r}), in the header's order; empty for no header or nothing readable. */
    static Map<String, Long> remaining(String header) {
        Map<String, Long> remaining = new LinkedHashMap<>();
        if (header == null) {
            return remaining;
        }
        for (String item : header.split(",")) {
            String[] parts = item.trim().split(";");
            String name = parts[0].trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("r=") && !name.isEmpty()) {
                    try {
                        remaining.put(name, Long.parseLong(parameter.substring(2)));
                    } catch (NumberFormatException ignored) {
                        // not a count: left out
                    }
                }
            }
        }
        return remaining;
    }
}
