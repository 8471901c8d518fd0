package dev.onsale.loadtest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scalper's account, at machine speed: joins the waiting room, checks in every {@link #POLL_MS} ms whatever
 * {@code poll_after_seconds} asks, and once admitted holds as many seats as one booking takes, again and again,
 * up to the live holds one account may have. With that many it takes turns: pays for the oldest hold, gives it
 * back and holds the same seats again at once, or lets it lapse (forgets it) and tries for more. Every refusal
 * is tried again after {@link #PAUSE_MS} ms, {@code Retry-After} or not; a 403 sends it back to the line.
 */
final class Bot implements Runnable {

    /** Between a bot's check-ins: far faster than any {@code poll_after_seconds}. */
    static final long POLL_MS = 250;
    /** Between a bot's other requests: machine speed, short of spinning. */
    static final long PAUSE_MS = 100;
    /** What MAX_SEATS_PER_BOOKING is in template.yaml; a 422 makes a bot try one fewer. */
    static final int MAX_SEATS_PER_BOOKING = 8;
    /** What MAX_ACTIVE_HOLDS_PER_EVENT is in template.yaml: a bot holds this many before it pays or lets go. */
    static final int LIVE_HOLDS = 2;

    private enum Turn { CONFIRM, CANCEL_AND_REHOLD, LET_LAPSE }

    private final Sale sale;
    private final Crowd.Member me;
    private final Deque<Sale.Hold> mine = new ArrayDeque<>();
    private String queueToken;
    private String access;
    private char[] map;
    private int seatsPerHold = MAX_SEATS_PER_BOOKING;
    private int turn;

    Bot(Sale sale, Crowd.Member me) {
        this.sale = sale;
        this.me = me;
        this.turn = ThreadLocalRandom.current().nextInt(Turn.values().length);
    }

    @Override
    public void run() {
        while (sale.open()) {
            if (access == null) {
                waitInLine();
            } else if (map == null) {
                readMap();
            } else if (mine.size() < LIVE_HOLDS) {
                int[] seats = Sale.pick(map, seatsPerHold, ThreadLocalRandom.current());
                if (seats.length > 0) {
                    hold(seats);
                } else if (!mine.isEmpty()) {
                    takeTurn();
                } else {
                    map = null; // nothing available: look again
                }
            } else {
                takeTurn();
            }
            sale.pause(PAUSE_MS);
        }
    }

    private void waitInLine() {
        Sale.Standing standing;
        if (queueToken == null) {
            standing = sale.join(me);
        } else {
            if (!sale.pause(POLL_MS)) {
                return;
            }
            standing = sale.checkIn(me, queueToken);
        }
        if (standing == null) {
            queueToken = null; // refused (a 403 invalid_token, a 429, ...): join again
            return;
        }
        queueToken = standing.queueToken().isEmpty() ? null : standing.queueToken();
        if (standing.admitted()) {
            access = standing.accessToken();
            map = null;
        } else if (!standing.queued()) {
            queueToken = null; // lapsed, ended, not in the line: join again
        }
    }

    private void readMap() {
        HttpConnections.Response answer = sale.seatMap(me, access);
        if (answer != null && answer.status() == 200) {
            map = Sale.states(answer);
        } else {
            sentBackOn(answer);
        }
    }

    private void hold(int[] seats) {
        HttpConnections.Response answer = sale.hold(me, access, seats);
        long bookingId = Sale.bookingId(answer);
        if (bookingId != 0) {
            mine.addLast(new Sale.Hold(bookingId, seats));
            for (int seat : seats) {
                map[seat - 1] = 'H';
            }
            return;
        }
        if (answer == null) {
            return;
        }
        switch (Sale.error(answer)) {
            case "seats_unavailable", "rehold_cooldown" -> map = null; // other seats, from a fresh map
            // at a limit with holds of its own, a scalper makes the most of them: pays, renews or drops one
            case "hold_limit_reached", "ticket_limit_reached", "address_hold_limit_reached", "hold_time_exhausted" -> {
                if (!mine.isEmpty()) {
                    takeTurn();
                }
            }
            default -> {
                if (answer.status() == 422 && seatsPerHold > 1) {
                    seatsPerHold--;
                } else {
                    sentBackOn(answer);
                }
            }
        }
    }

    /** With the holds it may have: pays for the oldest, gives it back and holds it again, or lets it lapse. */
    private void takeTurn() {
        Sale.Hold oldest = mine.pollFirst();
        switch (Turn.values()[turn++ % Turn.values().length]) {
            case CONFIRM -> {
                HttpConnections.Response answer = sale.confirm(me, oldest.bookingId());
                if (answer == null || (answer.status() != 200 && retryable(answer))) {
                    mine.addFirst(oldest);
                }
            }
            case CANCEL_AND_REHOLD -> {
                HttpConnections.Response answer = sale.cancel(me, oldest.bookingId());
                if (answer != null && answer.status() == 200) {
                    hold(oldest.seatIds());
                } else if (answer == null || retryable(answer)) {
                    mine.addFirst(oldest);
                }
            }
            case LET_LAPSE -> {
                // forgotten: it keeps its seats until its expires_at
            }
        }
    }

    /** A refused change worth sending again: busy or limited, not the hold being over (expired, ended, gone). */
    private static boolean retryable(HttpConnections.Response answer) {
        return answer.status() == 429 || answer.status() >= 500 || Sale.error(answer).equals("booking_conflict");
    }

    private void sentBackOn(HttpConnections.Response answer) {
        if (answer != null && Sale.error(answer).equals("waiting_room_required")) {
            access = null; // waiting_room_required: the session is over, back to the line
            queueToken = null;
        }
    }
}
