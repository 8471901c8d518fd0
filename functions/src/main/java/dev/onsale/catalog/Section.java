package dev.onsale.catalog;

import java.math.BigDecimal;

/** A priced block of seats: {@code rows} rows of {@code seatsPerRow}, numbered from {@code firstSeatId}. */
public record Section(String name, int rows, int seatsPerRow, BigDecimal price, int firstSeatId) {

    public int seatCount() {
        return rows * seatsPerRow;
    }

    public int lastSeatId() {
        return firstSeatId + seatCount() - 1;
    }

    public boolean contains(int seatId) {
        return seatId >= firstSeatId && seatId <= lastSeatId();
    }

    /** 1-based row of a seat of this section. */
    public int rowOf(int seatId) {
        return (seatId - firstSeatId) / seatsPerRow + 1;
    }

    /** 1-based number of a seat within its row. */
    public int numberOf(int seatId) {
        return (seatId - firstSeatId) % seatsPerRow + 1;
    }
}
