package dev.onsale.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An event and its seat layout. Seat ids run from 1 to {@code totalSeats}, section after section. */
public record Event(long id, String name, String venue, Instant startsAt, List<Section> sections, int totalSeats,
                    Instant createdAt) {

    public Optional<Section> sectionOf(int seatId) {
        return sections.stream().filter(s -> s.contains(seatId)).findFirst();
    }
}
