package dev.onsale.booking;

import dev.onsale.http.ApiRequest;
import dev.onsale.http.Guard;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The body of {@code POST /api/v1/bookings}: which seats of which event to hold. */
public record HoldRequest(Long eventId, List<Long> seatIds) {

    /** The first problem with the request, worded for the caller; empty when it can be tried. */
    public Optional<String> problem(int maxSeats) {
        if (eventId == null || eventId < 1) {
            return Optional.of("event_id must be a positive integer");
        }
        if (seatIds == null || seatIds.isEmpty()) {
            return Optional.of("seat_ids must list at least one seat");
        }
        if (seatIds.size() > maxSeats) {
            return Optional.of("a booking may hold at most " + maxSeats + " seats");
        }
        if (seatIds.stream().anyMatch(id -> id == null || id < 1 || id > Integer.MAX_VALUE)) {
            return Optional.of("seat_ids must be positive integers");
        }
        if (new HashSet<>(seatIds).size() != seatIds.size()) {
            return Optional.of("seat_ids must not repeat a seat");
        }
        return Optional.empty();
    }

    /**
     * The event a hold request's body names, for the admission guard (which runs before the body is read); read as
     * the handler reads the body, so it is empty exactly when the handler will refuse the request.
     */
    public static OptionalLong eventOf(Guard.Request request) {
        return ApiRequest.bodyOf(request, HoldRequest.class)
                .map(HoldRequest::eventId)
                .filter(id -> id > 0)
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The seats in ascending order; valid only after {@link #problem} found none. */
    List<Integer> sortedSeats() {
        return seatIds.stream().map(Long::intValue).sorted().toList();
    }

    /** The request's meaning, independent of field order, spacing and seat order. */
    String fingerprint() {
        return "event=" + eventId + ";seats=" + new TreeSet<>(seatIds).stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
