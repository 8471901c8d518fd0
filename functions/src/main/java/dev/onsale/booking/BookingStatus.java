package dev.onsale.booking;

/**
 * A booking's life: a HOLD ends CONFIRMED (paid), CANCELLED (by its owner) or EXPIRED (not paid in time).
 * A confirm passes through CONFIRMING: the seats are secured (neither cancel nor expiry nor another hold
 * takes them) while the charge is made; a declined charge goes back to HOLD.
 */
public enum BookingStatus {
    HOLD, CONFIRMING, CONFIRMED, CANCELLED, EXPIRED
}
