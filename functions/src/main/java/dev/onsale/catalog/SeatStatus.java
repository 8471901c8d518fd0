package dev.onsale.catalog;

/** A seat's state as stored. A HELD seat whose hold has expired counts as AVAILABLE everywhere. */
public enum SeatStatus {
    AVAILABLE('A'), HELD('H'), SOLD('S');

    private final char code;

    SeatStatus(char code) {
        this.code = code;
    }

    /** One letter per seat in the compact seat map. */
    public char code() {
        return code;
    }

    public static SeatStatus ofCode(char code) {
        for (SeatStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("Unknown seat code " + (int) code);
    }
}
