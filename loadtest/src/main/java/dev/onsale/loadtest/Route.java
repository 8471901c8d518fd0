package dev.onsale.loadtest;

/** What the summary reports on, one row each: a route, split where who calls it changes what it does. */
enum Route {
    SEAT_MAP("GET  /api/v1/events/{id}/seats"),
    SEAT_MAP_OVER_LIMIT("GET  .../seats (users over their limits)"),
    SEAT_MAP_PROBE("GET  .../seats (freshness probe, If-None-Match)"),
    SEAT_MAP_ADMITTED("GET  .../seats (waiting room, admitted)"),
    JOIN("POST .../waiting-room/join"),
    STATUS("GET  .../waiting-room/status"),
    STATS("GET  .../waiting-room/stats"),
    HOLD("POST /api/v1/bookings"),
    CONFIRM("POST /api/v1/bookings/{id}/confirm"),
    CANCEL("POST /api/v1/bookings/{id}/cancel"),
    NOT_FOUND("GET  /no/such/route (gateway 404, no function)");

    final String label;

    Route(String label) {
        this.label = label;
    }
}
