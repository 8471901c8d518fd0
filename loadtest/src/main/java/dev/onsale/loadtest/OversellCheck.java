package dev.onsale.loadtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end-of-run check that no seat was sold twice, on what the API answered: the event's seat map and the
 * bookings of every user who tried to hold seats. A seat may be in at most one live booking (CONFIRMED, or
 * HOLD not yet expired), every SOLD seat in exactly one CONFIRMED booking, and every seat of a CONFIRMED
 * booking must show SOLD.
 */
final class OversellCheck {

    /** One booking of the audited event. */
    record BookingRecord(long id, String status, Instant expiresAt, List<Integer> seatIds) {
        boolean live(Instant now) {
            return status.equals("CONFIRMED") || (status.equals("HOLD") && expiresAt != null && expiresAt.isAfter(now));
        }
    }

    /** {@code violations} empty means no oversell. */
    record Result(int seats, int sold, int held, int bookings, int confirmed, List<String> violations, List<String> warnings) {
        boolean passed() {
            return violations.isEmpty();
        }
    }

    private static final int MAX_LISTED = 20;

    private OversellCheck() {}

    /** @param seatStatus seat id → AVAILABLE, HELD or SOLD */
    static Result check(Map<Integer, String> seatStatus, List<BookingRecord> bookings, Instant now) {
        List<String> violations = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<Integer, List<Long>> liveBookingsBySeat = new TreeMap<>();
        Map<Integer, List<Long>> confirmedBySeat = new HashMap<>();
        int confirmed = 0;
        for (BookingRecord booking : bookings) {
            if (!booking.live(now)) {
                continue;
            }
            boolean isConfirmed = booking.status().equals("CONFIRMED");
            confirmed += isConfirmed ? 1 : 0;
            for (int seat : booking.seatIds()) {
                liveBookingsBySeat.computeIfAbsent(seat, id -> new ArrayList<>()).add(booking.id());
                if (isConfirmed) {
                    confirmedBySeat.computeIfAbsent(seat, id -> new ArrayList<>()).add(booking.id());
                    if (!"SOLD".equals(seatStatus.get(seat))) {
                        add(violations, "seat " + seat + " is in confirmed booking " + booking.id() + " but shows "
                                + seatStatus.get(seat));
                    }
                }
            }
        }
        liveBookingsBySeat.forEach((seat, ids) -> {
            if (ids.size() > 1) {
                add(violations, "seat " + seat + " is in " + ids.size() + " live bookings " + ids);
            }
        });
        int sold = 0;
        int held = 0;
        for (Map.Entry<Integer, String> seat : new TreeMap<>(seatStatus).entrySet()) {
            switch (seat.getValue()) {
                case "SOLD" -> {
                    sold++;
                    int owners = confirmedBySeat.getOrDefault(seat.getKey(), List.of()).size();
                    if (owners != 1) {
                        add(violations, "seat " + seat.getKey() + " is SOLD but in " + owners + " confirmed bookings");
                    }
                }
                case "HELD" -> {
                    held++;
                    if (!liveBookingsBySeat.containsKey(seat.getKey())) {
                        add(warnings, "seat " + seat.getKey() + " shows HELD but no audited live booking has it");
                    }
                }
                default -> {
                }
            }
        }
        return new Result(seatStatus.size(), sold, held, bookings.size(), confirmed, List.copyOf(violations),
                List.copyOf(warnings));
    }

    private static void add(List<String> list, String message) {
        if (list.size() < MAX_LISTED) {
            list.add(message);
        } else if (list.size() == MAX_LISTED) {
            list.add("...");
        }
    }
}
