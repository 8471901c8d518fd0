package dev.onsale.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.onsale.platform.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * One version of an event's seat map, as a function instance keeps it: the layout, one state letter per
 * seat, and each form a caller asked for (full or compact, whole or one section, plain or gzip), rendered
 * the first time it is asked for and then served as it is until the version changes. So a body is built
 * and compressed once per version, not per request.
 *
 * @param version {@code generation.version} of the live map (the base of the ETag)
 * @param states  one letter per seat ({@link SeatStatus#code()}), seat 1 first
 */
public record SeatMapView(Event event, String version, String states, int availableSeats,
                          ConcurrentHashMap<Form, String> bodies) {

    /** Which form a caller asked for. */
    public enum Format {
        FULL, COMPACT
    }

    /** A body: its format, the one section it shows (empty: all), and whether gzip (base64) or plain JSON. */
    public record Form(Format format, Optional<String> section, boolean gzip) {
    }

    public static SeatMapView of(Event event, String version, String states) {
        if (states.length() != event.totalSeats()) {
            throw new IllegalArgumentException("event " + event.id() + " has " + event.totalSeats() + " seats, the map "
                    + states.length());
        }
        int available = 0;
        for (int i = 0; i < states.length(); i++) {
            if (states.charAt(i) == SeatStatus.AVAILABLE.code()) {
                available++;
            }
        }
        return new SeatMapView(event, version, states, available, new ConcurrentHashMap<>());
    }

    /** The map as read from the table ({@code seats}: one per seat, in order): effective states at {@code now}. */
    public static SeatMapView of(Event event, String version, List<SeatState> seats, Instant now) {
        return of(event, version, statesOf(event, seats, now));
    }

    /** One letter per seat of {@code event}, from one state per seat in seat order. */
    static String statesOf(Event event, List<SeatState> seats, Instant now) {
        if (seats.size() != event.totalSeats()) {
            throw new IllegalArgumentException("event " + event.id() + " has " + event.totalSeats() + " seats, not " + seats.size());
        }
        char[] codes = new char[seats.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = seats.get(i).effectiveStatus(now).code();
        }
        return new String(codes);
    }

    /** The body of {@code form}; the section, when named, must be one of the event's. */
    public String body(Form form) {
        return bodies.computeIfAbsent(form, f -> f.gzip()
                ? gzipBase64(body(new Form(f.format(), f.section(), false)))
                : render(f));
    }

    public SeatStatus status(int seatId) {
        return SeatStatus.ofCode(states.charAt(seatId - 1));
    }

    private String render(Form form) {
        List<Section> sections = form.section()
                .map(name -> event.sections().stream().filter(s -> s.name().equals(name)).toList())
                .orElse(event.sections());
        return form.format() == Format.FULL ? full(sections, form.section()) : compact(sections, form.section());
    }

    private String full(List<Section> sections, Optional<String> section) {
        return write(json -> {
            json.writeStartObject();
            header(json, section);
            json.writeArrayFieldStart("seats");
            for (Section s : sections) {
                for (int seatId = s.firstSeatId(); seatId <= s.lastSeatId(); seatId++) {
                    json.writeStartObject();
                    json.writeNumberField("id", seatId);
                    json.writeStringField("section", s.name());
                    json.writeNumberField("row", s.rowOf(seatId));
                    json.writeNumberField("number", s.numberOf(seatId));
                    json.writeNumberField("price", s.price());
                    json.writeStringField("status", status(seatId).name());
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private String compact(List<Section> sections, Optional<String> section) {
        return write(json -> {
            json.writeStartObject();
            header(json, section);
            json.writeStringField("format", "compact");
            json.writeObjectFieldStart("status_codes");
            for (SeatStatus status : SeatStatus.values()) {
                json.writeStringField(String.valueOf(status.code()), status.name());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("sections");
            for (Section s : sections) {
                json.writeStartObject();
                json.writeStringField("name", s.name());
                json.writeNumberField("price", s.price());
                json.writeNumberField("first_seat_id", s.firstSeatId());
                json.writeNumberField("rows", s.rows());
                json.writeNumberField("seats_per_row", s.seatsPerRow());
                json.writeStringField("seats", states.substring(s.firstSeatId() - 1, s.lastSeatId()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** The whole event's counts, also on a one-section answer (the section's own letters are in it). */
    private void header(JsonGenerator json, Optional<String> section) throws IOException {
        json.writeNumberField("event_id", event.id());
        json.writeNumberField("total_seats", event.totalSeats());
        json.writeNumberField("available_seats", availableSeats);
        if (section.isPresent()) {
            json.writeStringField("section", section.get());
        }
    }

    private interface JsonWriting {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(JsonWriting writing) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            writing.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String gzipBase64(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() / 8 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
