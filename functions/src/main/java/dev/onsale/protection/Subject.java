package dev.onsale.protection;

import dev.onsale.http.Guard;
import java.util.Optional;

/** Who a limit counts: the signed-in user, or the address the connection came from. */
public enum Subject {
    USER("user"),
    IP("ip");

    private final String label;

    Subject(String label) {
        this.label = label;
    }

    /** The word in key names and policy names: {@code user}, {@code ip}. */
    public String label() {
        return label;
    }

    /** This subject's id in {@code request}; empty when the request has none (no caller yet: the route answers 401). */
    Optional<String> of(Guard.Request request) {
        return switch (this) {
            case USER -> request.userId().filter(id -> !id.isEmpty());
            case IP -> Optional.of(request.sourceIp()).filter(ip -> !ip.isEmpty());
        };
    }
}
