package dev.onsale.booking;

/** A booking's life: a HOLD ends CONFIRMED (paid), CANCELLED (by its owner) or EXPIRED (not paid in time). */
public enum BookingStatus {
    HOLD, CONFIRMED, CANCELLED, EXPIRED
}
