package dev.onsale.protection;

import java.time.Duration;

/**
 * How long a user whose bot rule tripped stays blocked: {@code first} on the first trip, twice as long
 * on each further trip (never more than {@code longest}) while earlier trips are remembered;
 * trips are forgotten {@code strikesKept} after the last one.
 */
public record CoolingOff(Duration first, Duration longest, Duration strikesKept) {
}
