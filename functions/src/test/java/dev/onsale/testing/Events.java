package dev.onsale.testing;

import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.NewEvent;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

    /** A {@link #concert} with more top-level fields, e.g. {@code "on_sale_at": "2027-03-01T10:00:00Z"}. */
    public static String concert(String name, int floorRows, String moreFields) {
        return "{" + moreFields + ", " + concert(name, floorRows).strip().substring(1);
    }

    /** Ten sections of {@code rows} rows of 50 seats at 45.00: 200 rows make 100,000 seats, the most an event may have. */
    public static String stadium(String name, int rows) {
        String sections = IntStream.rangeClosed(1, 10)
                .mapToObj(i -> "{\"name\": \"Block %d\", \"rows\": %d, \"seats_per_row\": 50, \"price\": 45.00}".formatted(i, rows))
                .collect(Collectors.joining(", "));
        return """
                {"name": "%s", "venue": "Test Stadium", "starts_at": "2027-06-01T19:30:00Z", "sections": [%s]}
                """.formatted(name, sections);
    }

    /**
     * Creates a {@link #concert} in-process, as the create-event function would (with its credentials, on the
     * tables and Redis of {@code config}), without a trip through the gateway.
     */
    public static long create(Config config, String name, int floorRows) {
        try {
            NewEvent request = Json.MAPPER.readValue(concert(name, floorRows), NewEvent.class);
            var created = (CatalogService.Creation.Created) CatalogService.create(EmbeddedStack.signedAs("CreateEventFunction", config))
                    .create(request);
            return created.event().id();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
