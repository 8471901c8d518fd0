package dev.onsale.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.onsale.platform.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A seat map rendered once per rebuild in every form it is served in, so that serving it costs
 * no CPU: the full form (one object per seat, as the API always answered), the compact form (one
 * letter per seat, ~1 byte a seat at 50,000 seats), each also gzip-compressed, and an ETag.
 */
public record SeatMapView(String full, String compact, String fullGzip, String compactGzip, String etag,
                          int availableSeats) {

    /** Which form a caller asked for. */
    public enum Format {
        FULL, COMPACT
    }

    public String body(Format format, boolean gzip) {
        return switch (format) {
            case FULL -> gzip ? fullGzip : full;
            case COMPACT -> gzip ? compactGzip : compact;
        };
    }

    public static SeatMapView render(Event event, List<SeatState> states, Instant now) {
        char[] codes = new char[event.totalSeats() + 1];
        java.util.Arrays.fill(codes, SeatStatus.SOLD.code()); // a seat with no item can't be sold to anyone
        int available = 0;
        for (SeatState state : states) {
            if (state.seatId() >= 1 && state.seatId() <= event.totalSeats()) {
                SeatStatus status = state.effectiveStatus(now);
                codes[state.seatId()] = status.code();
                if (status == SeatStatus.AVAILABLE) {
                    available++;
                }
            }
        }
        String compact = compact(event, codes, available);
        String full = full(event, codes, available);
        return new SeatMapView(full, compact, gzipBase64(full), gzipBase64(compact), etagOf(compact), available);
    }

    private static String full(Event event, char[] codes, int available) {
        return write(json -> {
            json.writeStartObject();
            header(json, event, available);
            json.writeArrayFieldStart("seats");
            for (Section section : event.sections()) {
                for (int seatId = section.firstSeatId(); seatId <= section.lastSeatId(); seatId++) {
                    json.writeStartObject();
                    json.writeNumberField("id", seatId);
                    json.writeStringField("section", section.name());
                    json.writeNumberField("row", section.rowOf(seatId));
                    json.writeNumberField("number", section.numberOf(seatId));
                    json.writeNumberField("price", section.price());
                    json.writeStringField("status", statusName(codes[seatId]));
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static String compact(Event event, char[] codes, int available) {
        return write(json -> {
            json.writeStartObject();
            header(json, event, available);
            json.writeStringField("format", "compact");
            json.writeObjectFieldStart("status_codes");
            for (SeatStatus status : SeatStatus.values()) {
                json.writeStringField(String.valueOf(status.code()), status.name());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("sections");
            for (Section section : event.sections()) {
                json.writeStartObject();
                json.writeStringField("name", section.name());
                json.writeNumberField("price", section.price());
                json.writeNumberField("first_seat_id", section.firstSeatId());
                json.writeNumberField("rows", section.rows());
                json.writeNumberField("seats_per_row", section.seatsPerRow());
                json.writeStringField("seats", new String(codes, section.firstSeatId(), section.seatCount()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void header(JsonGenerator json, Event event, int available) throws IOException {
        json.writeNumberField("event_id", event.id());
        json.writeNumberField("total_seats", event.totalSeats());
        json.writeNumberField("available_seats", available);
    }

    private static String statusName(char code) {
        for (SeatStatus status : SeatStatus.values()) {
            if (status.code() == code) {
                return status.name();
            }
        }
        throw new IllegalArgumentException("Unknown seat code " + code);
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

    /** The compact form holds every seat's state and the layout: equal compact forms, equal maps. */
    private static String etagOf(String compact) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(compact.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
