package dev.onsale.loadtest;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A fan, at human pace: arrives some time after the sale opens, joins the waiting room, checks in when
 * {@code poll_after_seconds} says, and once admitted looks at the seat map, picks 1-4 of the seats it shows
 * available, holds them, and pays after a while. Waits what {@code Retry-After} asks; gives up after
 * {@link #PATIENCE} refusals, or at once when the map shows no seat left.
 */
final class Fan implements Runnable {

    /** Refusals (and trips back to the line) a fan puts up with. */
    static final int PATIENCE = 3;

    enum Outcome { BOUGHT, NO_SEATS_LEFT, GAVE_UP, IN_LINE_AT_THE_END, ADMITTED_AT_THE_END, NOT_ARRIVED }

    private final Sale sale;
    private final Crowd.Member me;
    private final long arrivalMillis;
    private volatile Outcome outcome = Outcome.NOT_ARRIVED;
    private int refusals;
    private String queueToken;
    private String access;

    Fan(Sale sale, Crowd.Member me, long arrivalMillis) {
        this.sale = sale;
        this.me = me;
        this.arrivalMillis = arrivalMillis;
    }

    /** How it ended; while it runs, where it is. */
    Outcome outcome() {
        return outcome;
    }

    boolean done() {
        return outcome == Outcome.BOUGHT || outcome == Outcome.NO_SEATS_LEFT || outcome == Outcome.GAVE_UP;
    }

    @Override
    public void run() {
        if (!sale.pause(arrivalMillis)) {
            return;
        }
        outcome = Outcome.IN_LINE_AT_THE_END;
        while (sale.open() && refusals < PATIENCE) {
            if (access == null) {
                waitInLine();
            } else if (shop()) {
                return;
            }
        }
        if (refusals >= PATIENCE) {
            outcome = Outcome.GAVE_UP;
        }
    }

    private void waitInLine() {
        Sale.Standing standing;
        if (queueToken == null) {
            standing = sale.join(me);
        } else {
            standing = sale.checkIn(me, queueToken);
        }
        if (standing == null) {
            refusals++;
            queueToken = null;
            sale.pause(human(2_000, 5_000));
            return;
        }
        queueToken = standing.queueToken().isEmpty() ? null : standing.queueToken();
        if (standing.admitted()) {
            access = standing.accessToken();
            outcome = Outcome.ADMITTED_AT_THE_END;
        } else if (standing.queued()) {
            sale.pause(standing.pollAfterSeconds() * 1_000L);
        } else {
            refusals++; // sent back: lapsed, ended, no longer in the line
            queueToken = null;
            sale.pause(human(1_000, 3_000));
        }
    }

    /** One try at buying: true when the fan is done (bought, or nothing left to buy). */
    private boolean shop() {
        HttpConnections.Response answer = sale.seatMap(me, access);
        if (answer == null || answer.status() != 200) {
            refused(answer);
            return false;
        }
        char[] map = Sale.states(answer);
        if (map == null) {
            refused(answer); // a 200 that is not a seat map
            return false;
        }
        int[] seats = Sale.pick(map, ThreadLocalRandom.current().nextInt(1, 5), ThreadLocalRandom.current());
        if (seats.length == 0) {
            outcome = Outcome.NO_SEATS_LEFT;
            return true;
        }
        if (!sale.pause(human(1_000, 3_000))) {
            return false;
        }
        HttpConnections.Response held = sale.hold(me, access, seats);
        long bookingId = Sale.bookingId(held);
        if (bookingId == 0) {
            refused(held);
            return false;
        }
        if (!sale.pause(human(3_000, 10_000))) {
            return false;
        }
        while (sale.open() && refusals < PATIENCE) {
            HttpConnections.Response paid = sale.confirm(me, bookingId);
            if (paid != null && paid.status() == 200) {
                outcome = Outcome.BOUGHT;
                return true;
            }
            refused(paid);
            if (paid != null && paid.status() != 429 && paid.status() < 500) {
                return false; // the hold is over (expired, declined): back to the map
            }
        }
        return false;
    }

    private void refused(HttpConnections.Response answer) {
        refusals++;
        if (Sale.error(answer).equals("waiting_room_required")) {
            access = null;
            queueToken = null;
            outcome = Outcome.IN_LINE_AT_THE_END;
        }
        sale.pause(Math.max(human(2_000, 4_000), Sale.retryAfterSeconds(answer, 0) * 1_000));
    }

    private static long human(long fromMillis, long toMillis) {
        return ThreadLocalRandom.current().nextLong(fromMillis, toMillis);
    }
}
