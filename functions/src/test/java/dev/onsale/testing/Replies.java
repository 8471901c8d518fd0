package dev.onsale.testing;

import java.util.function.Supplier;

/** Asking the gateway again when it says the service is briefly unavailable. */
public final class Replies {
    private Replies() {
    }

    /**
     * A 503 (Redis or DynamoDB slower than the functions wait, as on a loaded test machine) is never an answer
     * about who may call what: ask again, up to five times, as a client told {@code Retry-After} would.
     */
    public static Gateway.Reply untilNot503(Supplier<Gateway.Reply> request) {
        Gateway.Reply reply = request.get();
        for (int attempt = 1; reply.status() == 503 && attempt < 5; attempt++) {
            try {
                Thread.sleep(1_000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            reply = request.get();
        }
        return reply;
    }
}
