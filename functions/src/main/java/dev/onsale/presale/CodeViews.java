package dev.onsale.presale;

import java.time.Instant;
import java.util.List;

/** The codes' answers on the wire (snake_case). A code in plain text appears in {@link Created} only, once. */
final class CodeViews {
    private CodeViews() {
    }

    /** The body of {@code POST .../codes/redeem}. */
    record RedeemRequest(String code) {
    }

    /** A code made just now, with the code itself. */
    record NewCode(String id, String code, String label, int uses, Instant validFrom, Instant validUntil) {
        static NewCode of(PresaleCodeService.Issued issued) {
            PresaleCode stored = issued.stored();
            return new NewCode(stored.id(), issued.code(), stored.label().orElse(null), stored.uses(),
                    stored.validFrom().orElse(null), stored.validUntil().orElse(null));
        }
    }

    record Created(long eventId, int count, List<NewCode> codes) {
        static Created of(PresaleCodeService.Creation.Created created) {
            return new Created(created.eventId(), created.codes().size(), created.codes().stream().map(NewCode::of).toList());
        }
    }

    /** A code as listed: never the code, only its last two characters. */
    record Listed(String id, String label, int uses, int used, int usesLeft, Instant validFrom, Instant validUntil,
                  String hint, Instant createdAt) {
        static Listed of(PresaleCode code) {
            return new Listed(code.id(), code.label().orElse(null), code.uses(), code.used(), code.usesLeft(),
                    code.validFrom().orElse(null), code.validUntil().orElse(null), code.hint(), code.createdAt());
        }
    }

    record Page(long eventId, List<Listed> codes, String nextAfter) {
        static Page of(PresaleCodeService.Listing.Listed listed) {
            return new Page(listed.eventId(), listed.codes().stream().map(Listed::of).toList(), listed.nextAfter().orElse(null));
        }
    }

    /** A redemption that let the fan in (or found the room off). */
    record Redeemed(String status, String accessToken, Long sessionExpiresInSeconds, String codeId, int usesLeft,
                    String message) {
        static Redeemed of(PresaleCodeService.Redemption.Admitted admitted) {
            return new Redeemed("admitted", admitted.session().accessToken(), admitted.session().secondsLeft(),
                    admitted.code().id(), admitted.code().usesLeft(), admitted.counted()
                    ? "Code accepted: you can now proceed to book tickets"
                    : "You are already in: this is your session, and no use of the code was taken");
        }

        static Redeemed roomOff(PresaleCode code) {
            return new Redeemed("room_off", null, null, code.id(), code.usesLeft(),
                    "The code is good, and the waiting room is off: go ahead, no token is needed");
        }
    }
}
