package dev.onsale.protection;

import dev.onsale.platform.Config;

/**
 * One GCRA limit: {@code rate.quota()} requests per {@code rate.window()} for each {@code subject}, all
 * of them at once if none came before (the burst is the quota), then one per emission interval.
 * Named {@code policy} in keys and, per subject, in the RateLimit headers.
 */
public record RateLimit(String policy, Subject subject, Config.Rate rate) {

    /** The time one request "costs": the window divided by the quota. */
    long emissionIntervalMicros() {
        return rate.window().toNanos() / 1_000 / rate.quota();
    }

    /** How far ahead of now the theoretical arrival time may run: the whole quota's worth of intervals. */
    long burstMicros() {
        return emissionIntervalMicros() * rate.quota();
    }

    /** The name in {@code RateLimit-Policy} and {@code RateLimit}: the policy for a user, {@code policy-ip} for an address. */
    String headerName() {
        return subject == Subject.USER ? policy : policy + "-" + subject.label();
    }
}
