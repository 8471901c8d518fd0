package dev.onsale.catalog;

/**
 * The catalog's Redis keys. Every key of one event carries the hash tag {@code {event:N}}, so the
 * multi-key scripts run unchanged on Redis Cluster; the part before the tag names the family that
 * {@code /api/v1/cache/stats} counts.
 */
final class CatalogKeys {
    private CatalogKeys() {
    }

    /** The live seat map's header: its generation, its version and whether it is complete. */
    static String seatMap(long eventId) {
        return "cache:seats:" + tag(eventId);
    }

    static String seatStates(long eventId) {
        return seatMap(eventId) + ":states";
    }

    static String seatVersions(long eventId) {
        return seatMap(eventId) + ":versions";
    }

    static String liveHolds(long eventId) {
        return seatMap(eventId) + ":holds";
    }

    static String seatMapRebuild(long eventId) {
        return seatMap(eventId) + ":rebuild";
    }

    static String event(long eventId) {
        return "cache:event:" + tag(eventId);
    }

    private static String tag(long eventId) {
        return "{event:" + eventId + "}";
    }
}
