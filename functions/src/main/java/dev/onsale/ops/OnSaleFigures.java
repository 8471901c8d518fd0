package dev.onsale.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.SeatMapView;
import dev.onsale.http.RefusalTally;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The operator's live figures of an on-sale that the waiting room's stats do not have: the event's seats by state,
 * read as the seat map reads them (its live map; this instance's copy while unchanged), and the 429s every instance
 * answered in the last minutes, by rule. Read by the console, never by a fan's request.
 */
public final class OnSaleFigures {
    /** The most minutes of refusals one read may ask for (the tally keeps an hour). */
    public static final int MAX_MINUTES = 60;

    private final CatalogService catalog;
    private final Redis redis;
    private final Duration timeout;
    private final LongSupplier clock;

    public OnSaleFigures(CatalogService catalog, Redis redis, Duration timeout, LongSupplier clockMillis) {
        this.catalog = catalog;
        this.redis = redis;
        this.timeout = timeout;
        this.clock = clockMillis;
    }

    public record Seats(int total, int available, int held, int sold) {
    }

    public record MinuteView(Instant minute, Map<String, Long> byRule) {
    }

    public record Refusals(int minutes, Map<String, Long> byRule,
                           List<MinuteView> perMinute) {
    }

    public record Figures(long eventId, Seats seats, Refusals refusals) {
    }

    /** What a read of the figures came to. */
    public sealed interface Outcome {
        record Found(Figures figures) implements Outcome {
        }

        record UnknownEvent() implements Outcome {
        }

        /** The seat map is being rebuilt by another caller and did not arrive in time. */
        record Busy() implements Outcome {
        }
    }

    public Outcome figures(long eventId, int minutes) {
        var query = new CatalogService.SeatMapQuery(eventId,
                new SeatMapView.Form(SeatMapView.Format.COMPACT, Optional.empty(), false), Optional.empty());
        Seats seats;
        switch (catalog.seatMap(query, Optional.empty())) {
            case CatalogService.SeatMapResult.Found found -> seats = count(found.body());
            case CatalogService.SeatMapResult.UnknownEvent unknown -> {
                return new Outcome.UnknownEvent();
            }
            case CatalogService.SeatMapResult.Busy busy -> {
                return new Outcome.Busy();
            }
            case CatalogService.SeatMapResult.NotModified notModified ->
                    throw new IllegalStateException("a read without a client version is never 304");
            case CatalogService.SeatMapResult.UnknownSection unknown ->
                    throw new IllegalStateException("a read of the whole map names no section");
        }
        List<RefusalTally.Minute> tally = RefusalTally.read(redis, minutes, clock.getAsLong(), timeout);
        Map<String, Long> total = new TreeMap<>();
        List<MinuteView> perMinute = tally.stream().map(minute -> {
            minute.byRule().forEach((rule, count) -> total.merge(rule, count, Long::sum));
            return new MinuteView(Instant.ofEpochSecond(minute.epochMinute() * 60), minute.byRule());
        }).toList();
        return new Outcome.Found(new Figures(eventId, seats, new Refusals(minutes, total, perMinute)));
    }

    /** The compact map's letters by state (the body the seat map route answers). */
    static Seats count(String compactBody) {
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(compactBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int available = 0;
        int held = 0;
        int sold = 0;
        for (JsonNode section : map.path("sections")) {
            String letters = section.path("seats").asText();
            for (int i = 0; i < letters.length(); i++) {
                switch (letters.charAt(i)) {
                    case 'A' -> available++;
                    case 'H' -> held++;
                    case 'S' -> sold++;
                    default -> { }
                }
            }
        }
        return new Seats(map.path("total_seats").asInt(), available, held, sold);
    }
}
