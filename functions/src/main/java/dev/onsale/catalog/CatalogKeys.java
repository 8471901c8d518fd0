package dev.onsale.catalog;

/**
 * The catalog's Redis keys. Every key of one event carries the hash tag {@code {event:N}}, so the
 * multi-key scripts run unchanged on Redis Cluster; the part before the tag names the family that
 * {@code /api/v1/cache/stats} counts.
 */
final class CatalogKeys {
    private CatalogKeys() {
    }

    static String seatMap(long eventId) {
        return "cache:seats:" + tag(eventId);
    }

    static String seatMapRebuild(long eventId) {
        return "cache:seats:" + tag(eventId) + ":rebuild";
    }

    static String event(long eventId) {
        return "cache:event:" + tag(eventId);
    }

    private static String tag(long eventId) {
        return "{event:" + eventId + "}";
    }
}
