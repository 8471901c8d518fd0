package dev.onsale.testing;

/** Event bodies for tests: each test creates its own event. */
public final class Events {
    private Events() {
    }

    /** Two sections: {@code floorRows} x 50 at 150.00, then 10 x 20 at 75.50. */
    public static String concert(String name, int floorRows) {
        return """
                {"name": "%s", "venue": "Test Arena", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [
                   {"name": "Floor", "rows": %d, "seats_per_row": 50, "price": 150.00},
                   {"name": "Balcony", "rows": 10, "seats_per_row": 20, "price": 75.50}
                 ]}
                """.formatted(name, floorRows);
    }
}
