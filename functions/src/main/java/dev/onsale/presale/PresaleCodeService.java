package dev.onsale.presale;

import dev.onsale.catalog.CatalogService;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Randomness;
import dev.onsale.platform.WriteRetries;
import dev.onsale.waitingroom.BypassAdmission;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Presale and bypass codes: an admin makes codes for an event, each good for {@code uses} redemptions in its window;
 * a fan who redeems one is let into the event's waiting room at once ({@link BypassAdmission}). The use count lives in
 * DynamoDB and goes up in one transaction with the fan's redemption, on the condition that uses are left: concurrent
 * redemptions never exceed a code's uses, and a fan who redeems again gets the same session, not a second use.
 *
 * <p>A fan who already has a live session (from the line, or from this or another code) is answered that session and
 * uses nothing; so is a fan whose redemption was counted but not yet admitted (the room could not be reached). With the
 * room off a valid code is answered as such and uses nothing: nobody needs it then.
 */
public final class PresaleCodeService {
    private final CodeStore store;
    private final LongPredicate eventExists;
    private final BypassAdmission bypass;
    private final Clock clock;
    private final Supplier<RandomGenerator> codeRandom;
    private final RandomGenerator jitter;
    private final int writeAttempts;

    /**
     * @param codeRandom the source of each request's codes: a new {@link SecureRandom} per request in the functions,
     *                   so no state drawn before a SnapStart snapshot is ever shared by the restored copies
     */
    public PresaleCodeService(CodeStore store, LongPredicate eventExists, BypassAdmission bypass, Clock clock,
                              Supplier<RandomGenerator> codeRandom, RandomGenerator jitter, int writeAttempts) {
        this.store = store;
        this.eventExists = eventExists;
        this.bypass = bypass;
        this.clock = clock;
        this.codeRandom = codeRandom;
        this.jitter = jitter;
        this.writeAttempts = writeAttempts;
    }

    public static PresaleCodeService create(Config config) {
        CatalogService catalog = CatalogService.create(config);
        return new PresaleCodeService(new CodeStore(AwsClients.dynamoDb(config), config.codesTable()),
                eventId -> catalog.event(eventId).isPresent(), BypassAdmission.create(config), Clock.systemUTC(),
                SecureRandom::new, Randomness.shared(), config.writeAttempts());
    }

    /** A code made just now: the code itself, shown this once, and what is stored of it. */
    public record Issued(String code, PresaleCode stored) {
    }

    public sealed interface Creation {
        record Created(long eventId, List<Issued> codes) implements Creation {
        }

        record UnknownEvent(long eventId) implements Creation {
        }

        record Invalid(String detail) implements Creation {
        }

        /** Throttling outlasted the retries; some of the codes may have been stored (never shown: unusable). */
        record Busy() implements Creation {
        }
    }

    public Creation create(long eventId, NewCodes request) {
        Optional<String> problem = request.problem();
        if (problem.isPresent()) {
            return new Creation.Invalid(problem.get());
        }
        if (!eventExists.test(eventId)) {
            return new Creation.UnknownEvent(eventId);
        }
        RandomGenerator random = codeRandom.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<String> label = Optional.ofNullable(request.label()).map(String::strip);
        List<Issued> issued = new ArrayList<>(request.count());
        List<CodeStore.NewCode> stored = new ArrayList<>(request.count());
        for (int i = 0; i < request.count(); i++) {
            String code = CodeFormat.generate(random);
            String canonical = CodeFormat.canonical(code).orElseThrow();
            PresaleCode kept = new PresaleCode(codeId(now, i, random), eventId, label, request.usesOrDefault(), 0,
                    request.from(), request.until(), CodeFormat.hint(canonical), now);
            issued.add(new Issued(code, kept));
            stored.add(new CodeStore.NewCode(CodeFormat.hash(eventId, canonical), kept));
        }
        if (!store.putAll(stored, this::retries)) {
            return new Creation.Busy();
        }
        return new Creation.Created(eventId, issued);
    }

    public sealed interface Listing {
        record Listed(long eventId, List<PresaleCode> codes, Optional<String> nextAfter) implements Listing {
        }

        record UnknownEvent(long eventId) implements Listing {
        }
    }

    /** The event's codes by id (oldest first), {@code limit} of them after the id {@code after}. Never the codes themselves. */
    public Listing list(long eventId, Optional<String> after, int limit) {
        if (!eventExists.test(eventId)) {
            return new Listing.UnknownEvent(eventId);
        }
        CodeStore.Page page = store.list(eventId, after, limit);
        return new Listing.Listed(eventId, page.codes(),
                page.more() ? Optional.of(page.codes().getLast().id()) : Optional.empty());
    }

    public sealed interface Redemption {
        /**
         * In: the access token and session; {@code counted} when this redemption used the code (not when the fan's
         * session was already open). {@code code} as it stands after.
         */
        record Admitted(PresaleCode code, BypassAdmission.Entry.Admitted session, boolean counted) implements Redemption {
        }

        /** The code is good, and the room is off: go straight in. */
        record RoomOff(PresaleCode code) implements Redemption {
        }

        /** No such code for this event (another event's code is as unknown). */
        record NotFound() implements Redemption {
        }

        record NotYetValid(PresaleCode code) implements Redemption {
        }

        record Expired(PresaleCode code) implements Redemption {
        }

        record UsedUp(PresaleCode code) implements Redemption {
        }

        /** This fan redeemed the code before, and the session it gave has ended. */
        record AlreadyRedeemed(PresaleCode code) implements Redemption {
        }

        /** Not the shape of a code. */
        record Invalid(String detail) implements Redemption {
        }

        /** Contention or throttling outlasted the retries. */
        record Busy(boolean throttled) implements Redemption {
        }
    }

    public Redemption redeem(long eventId, String userId, String sentCode) {
        Optional<String> canonical = CodeFormat.canonical(sentCode);
        if (canonical.isEmpty()) {
            return new Redemption.Invalid("code must be " + CodeFormat.LENGTH
                    + " characters, letters A-Z and digits 2-7 (dashes and spaces are ignored)");
        }
        String hash = CodeFormat.hash(eventId, canonical.get());
        Optional<PresaleCode> found = store.find(hash);
        if (found.isEmpty()) {
            return new Redemption.NotFound();
        }
        PresaleCode code = found.get();
        Optional<Redemption> outOfWindow = window(code, clock.instant());
        if (outOfWindow.isPresent()) {
            return outOfWindow.get();
        }
        switch (bypass.current(eventId, userId)) {
            case BypassAdmission.Entry.RoomOff off -> {
                return new Redemption.RoomOff(code);
            }
            case BypassAdmission.Entry.Admitted live -> {
                return new Redemption.Admitted(code, live, false);
            }
            case BypassAdmission.Entry.NoSession none -> {
                // a use to count
            }
        }
        WriteRetries retries = retries();
        while (retries.another()) {
            Instant now = clock.instant();
            CodeStore.Redemption write = store.redeem(hash, userId, code, now);
            if (retries.backedOff(write)) {
                continue;
            }
            switch (write) {
                case CodeStore.Redemption.Done done -> {
                    return admit(eventId, userId, hash, code, true);
                }
                case CodeStore.Redemption.AlreadyRedeemed again -> {
                    Optional<Instant> session = store.redemptionSession(hash, userId);
                    if (session.isPresent() && session.get().equals(Instant.EPOCH)) {
                        return admit(eventId, userId, hash, code, false); // counted, never admitted: admit now
                    }
                    return new Redemption.AlreadyRedeemed(code);
                }
                case CodeStore.Redemption.Refused refused -> {
                    if (refused.code().isEmpty()) {
                        return new Redemption.NotFound();
                    }
                    PresaleCode asItWas = refused.code().get();
                    Optional<Redemption> closed = window(asItWas, now);
                    if (closed.isPresent()) {
                        return closed.get();
                    }
                    if (asItWas.usesLeft() == 0) {
                        return new Redemption.UsedUp(asItWas);
                    }
                    code = asItWas; // changed since the read (an admin's edit): try again on what it is now
                }
                default -> throw new IllegalStateException("backed off above: " + write);
            }
        }
        return new Redemption.Busy(retries.throttled());
    }

    private Redemption admit(long eventId, String userId, String hash, PresaleCode code, boolean counted) {
        BypassAdmission.Entry entry = bypass.admit(eventId, userId);
        Instant sessionEnds = entry instanceof BypassAdmission.Entry.Admitted admitted ? admitted.sessionEndsAt() : clock.instant();
        store.admitted(hash, userId, sessionEnds);
        PresaleCode now = store.find(hash).orElse(code);
        return entry instanceof BypassAdmission.Entry.Admitted admitted
                ? new Redemption.Admitted(now, admitted, counted)
                : new Redemption.RoomOff(now);
    }

    private static Optional<Redemption> window(PresaleCode code, Instant now) {
        if (code.notYetValid(now)) {
            return Optional.of(new Redemption.NotYetValid(code));
        }
        if (code.expired(now)) {
            return Optional.of(new Redemption.Expired(code));
        }
        return Optional.empty();
    }

    private WriteRetries retries() {
        return new WriteRetries(writeAttempts, jitter);
    }

    /** Ordered by creation, then by place in the batch; four random characters keep two batches of one millisecond apart. */
    private static String codeId(Instant createdAt, int index, RandomGenerator random) {
        return "%013d-%04d-%s".formatted(createdAt.toEpochMilli(), index, CodeFormat.generate(random).substring(0, 4).toLowerCase());
    }
}
