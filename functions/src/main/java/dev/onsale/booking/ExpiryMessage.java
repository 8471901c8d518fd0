package dev.onsale.booking;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.onsale.platform.Json;
import java.util.Optional;

/** The body of a hold-expiry message: which booking to look at. */
public record ExpiryMessage(Long bookingId) {

    String toJson() {
        return Json.write(this);
    }

    /** Empty when the body is not an expiry message (such a message can never succeed). */
    static Optional<ExpiryMessage> parse(String body) {
        try {
            ExpiryMessage message = Json.MAPPER.readValue(body, ExpiryMessage.class);
            return message == null || message.bookingId() == null || message.bookingId() < 1 ? Optional.empty() : Optional.of(message);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
