package dev.onsale.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/events}, as sent. {@link #problem} says what is wrong with it, if anything.
 * {@code onSaleAt} (absent: the moment of creation) and {@code offSaleAt} (absent: no end) are the sale window;
 * {@code waitingRoom}, when present, switches the event's waiting room on before the event can be seen.
 */
public record NewEvent(String name, String venue, String startsAt, List<NewSection> sections, String onSaleAt,
                       String offSaleAt, NewWaitingRoom waitingRoom) {
    private static final String DATE_TIME = " must be an ISO-8601 date-time with an offset, e.g. 2027-06-01T19:30:00Z";

    static final int MAX_TEXT = 200;
    static final int MAX_SECTIONS = 100;
    static final int MAX_ROWS = 1_000;
    static final int MAX_SEATS_PER_ROW = 1_000;
    static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

    /** One section as sent. */
    public record NewSection(String name, Integer rows, Integer seatsPerRow, BigDecimal price) {
    }

    /**
     * The waiting room's switches as sent, with the meaning of the enable route's parameters (absent:
     * the defaults); {@code WaitingRoomService} checks them.
     */
    public record NewWaitingRoom(Integer maxConcurrent, Integer sessionDuration, Integer admitPerMinute, String preQueueOpensAt) {
        /** The room's switches, or a problem worded for the caller (a {@code pre_queue_opens_at} that is no date-time). */
        public Optional<String> timeProblem() {
            return preQueueOpensAt == null || instant(preQueueOpensAt).isPresent() ? Optional.empty()
                    : Optional.of("pre_queue_opens_at" + DATE_TIME);
        }

        public Optional<Instant> preQueueOpens() {
            return preQueueOpensAt == null ? Optional.empty() : instant(preQueueOpensAt);
        }
    }

    /**
     * The first problem found, worded for the caller; empty when the event can be created at {@code now}
     * (the default {@code on_sale_at}). The waiting room's switches are checked by the waiting room.
     */
    public Optional<String> problem(int maxSeatsPerEvent, Instant now) {
        if (blank(name) || name.length() > MAX_TEXT) {
            return Optional.of("name is required (at most " + MAX_TEXT + " characters)");
        }
        if (blank(venue) || venue.length() > MAX_TEXT) {
            return Optional.of("venue is required (at most " + MAX_TEXT + " characters)");
        }
        if (parsedStart().isEmpty()) {
            return Optional.of("starts_at" + DATE_TIME);
        }
        if (onSaleAt != null && instant(onSaleAt).isEmpty()) {
            return Optional.of("on_sale_at" + DATE_TIME + " (or absent: on sale from now)");
        }
        if (offSaleAt != null && instant(offSaleAt).isEmpty()) {
            return Optional.of("off_sale_at" + DATE_TIME + " (or absent: no end)");
        }
        Instant opens = parsedOnSale().orElse(now);
        if (parsedOffSale().filter(closes -> !closes.isAfter(opens)).isPresent()) {
            return Optional.of("off_sale_at must be after on_sale_at" + (onSaleAt == null ? " (absent: the time of creation, now)" : ""));
        }
        if (sections == null || sections.isEmpty() || sections.size() > MAX_SECTIONS) {
            return Optional.of("sections must list 1 to " + MAX_SECTIONS + " sections");
        }
        Set<String> names = new HashSet<>();
        long seats = 0;
        for (int i = 0; i < sections.size(); i++) {
            NewSection section = sections.get(i);
            String where = "sections[" + i + "]";
            if (section == null) {
                return Optional.of(where + " must be an object");
            }
            if (blank(section.name()) || section.name().length() > MAX_TEXT) {
                return Optional.of(where + ".name is required (at most " + MAX_TEXT + " characters)");
            }
            if (!names.add(section.name().trim())) {
                return Optional.of(where + ".name repeats the section name '" + section.name().trim() + "'");
            }
            if (section.rows() == null || section.rows() < 1 || section.rows() > MAX_ROWS) {
                return Optional.of(where + ".rows must be between 1 and " + MAX_ROWS);
            }
            if (section.seatsPerRow() == null || section.seatsPerRow() < 1 || section.seatsPerRow() > MAX_SEATS_PER_ROW) {
                return Optional.of(where + ".seats_per_row must be between 1 and " + MAX_SEATS_PER_ROW);
            }
            BigDecimal price = section.price();
            if (price == null || price.signum() < 0 || price.compareTo(MAX_PRICE) > 0 || price.stripTrailingZeros().scale() > 2) {
                return Optional.of(where + ".price must be between 0 and " + MAX_PRICE + " with at most 2 decimals");
            }
            seats += (long) section.rows() * section.seatsPerRow();
        }
        if (seats > maxSeatsPerEvent) {
            return Optional.of("an event may have at most " + maxSeatsPerEvent + " seats; this one has " + seats);
        }
        return Optional.empty();
    }

    /** The event this request describes, under {@code id}; call only when {@link #problem} found none. */
    /** When the sale opens for an event created at {@code now}: {@code on_sale_at}, else at once. */
    Instant saleOpensAt(Instant now) {
        return parsedOnSale().orElse(now);
    }

    Event toEvent(long id, Instant createdAt) {
        List<Section> laidOut = new ArrayList<>();
        int nextSeat = 1;
        for (NewSection section : sections) {
            laidOut.add(new Section(section.name().trim(), section.rows(), section.seatsPerRow(),
                    section.price().setScale(2), nextSeat));
            nextSeat += section.rows() * section.seatsPerRow();
        }
        return new Event(id, name.trim(), venue.trim(), parsedStart().orElseThrow(), List.copyOf(laidOut), nextSeat - 1, createdAt,
                parsedOnSale().orElse(createdAt), parsedOffSale().orElse(null));
    }

    /** The waiting room asked for, if any. */
    public Optional<NewWaitingRoom> waitingRoomAsked() {
        return Optional.ofNullable(waitingRoom);
    }

    private Optional<Instant> parsedStart() {
        return instant(startsAt);
    }

    private Optional<Instant> parsedOnSale() {
        return onSaleAt == null ? Optional.empty() : instant(onSaleAt);
    }

    private Optional<Instant> parsedOffSale() {
        return offSaleAt == null ? Optional.empty() : instant(offSaleAt);
    }

    private static Optional<Instant> instant(String text) {
        if (blank(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text.trim()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
