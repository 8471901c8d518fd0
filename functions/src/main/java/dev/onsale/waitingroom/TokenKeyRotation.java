package dev.onsale.waitingroom;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Rotates the token keys as Secrets Manager's rotation protocol asks: four steps, one invocation each, on the version
 * ({@code ClientRequestToken}) that {@code RotateSecret} staged {@code AWSPENDING} before the first.
 * <ol>
 *   <li>{@code createSecret}: the pending version is the current keys rotated: the current key becomes the previous
 *       one, and a new random key, its kid one more, the current one (kept as it is when the step runs again);</li>
 *   <li>{@code setSecret}: nothing to set elsewhere (the functions read the secret itself);</li>
 *   <li>{@code testSecret}: the pending keys still verify what the current key signed, and verify what they sign;</li>
 *   <li>{@code finishSecret}: {@code AWSCURRENT} moves to the pending version (Secrets Manager stages the one before
 *       {@code AWSPREVIOUS}); functions read it within their refresh age.</li>
 * </ol>
 *
 * <p>The key rotated out (the previous one) must have outlived every token it signed: rotations must be at least
 * {@link #safeInterval} apart. A sooner one goes ahead (a leaked key is a reason), and says what it cuts short.
 */
public final class TokenKeyRotation {
    private static final System.Logger LOG = System.getLogger(TokenKeyRotation.class.getName());

    /** A step of the protocol, named as Secrets Manager names it in the event's {@code Step}. */
    public enum Step {
        CREATE_SECRET("createSecret"), SET_SECRET("setSecret"), TEST_SECRET("testSecret"), FINISH_SECRET("finishSecret");

        private final String name;

        Step(String name) {
            this.name = name;
        }

        public static Optional<Step> named(String name) {
            for (Step step : values()) {
                if (step.name.equals(name)) {
                    return Optional.of(step);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a step came to: done (what it did), or refused (why: the rotation fails there, and is tried again). */
    public sealed interface Outcome {
        record Done(String what) implements Outcome {
        }

        record Refused(String why) implements Outcome {
        }
    }

    private final TokenKeySecret secret;
    private final Clock clock;
    private final Duration safeInterval;

    /**
     * @param safeInterval the least time between two rotations that refuses no token before it expires
     *                     ({@link #safeInterval(Duration, Duration)})
     */
    public TokenKeyRotation(TokenKeySecret secret, Clock clock, Duration safeInterval) {
        this.secret = secret;
        this.clock = clock;
        this.safeInterval = safeInterval;
    }

    /**
     * The schedule's rule: a key is current until a rotation, then previous until the next. Functions may go on signing
     * with it for up to their refresh age after the first, and a token it signed is good for up to the longest token
     * lifetime; so the second must come no sooner than their sum.
     */
    public static Duration safeInterval(Duration longestTokenLifetime, Duration keysRefresh) {
        return longestTokenLifetime.plus(keysRefresh);
    }

    /** Whether the secret's rotation is on (a read: what the function primes with). */
    public boolean rotationEnabled() {
        return secret.rotation().enabled();
    }

    public Outcome run(Step step, String versionId) {
        TokenKeySecret.Rotation rotation = secret.rotation();
        if (!rotation.enabled()) {
            return new Outcome.Refused("rotation is not enabled for " + secret.secretId());
        }
        List<String> stages = rotation.stagesByVersion().get(versionId);
        if (stages == null) {
            return new Outcome.Refused("version " + versionId + " has no stage for rotation of " + secret.secretId()
                    + " (a rotation is started by Secrets Manager's RotateSecret, which stages it AWSPENDING)");
        }
        if (stages.contains(TokenKeySecret.CURRENT)) {
            return new Outcome.Done("version " + versionId + " is current already");
        }
        if (!stages.contains(TokenKeySecret.PENDING)) {
            return new Outcome.Refused("version " + versionId + " is not staged AWSPENDING for rotation of " + secret.secretId());
        }
        return switch (step) {
            case CREATE_SECRET -> create(versionId);
            case SET_SECRET -> new Outcome.Done("nothing to set: the functions read the secret itself");
            case TEST_SECRET -> test(versionId);
            case FINISH_SECRET -> {
                Optional<String> current = rotation.currentVersionId();
                secret.promote(versionId, current);
                yield new Outcome.Done("version " + versionId + " is current, " + current.orElse("none") + " previous");
            }
        };
    }

    private Outcome create(String versionId) {
        TokenKeySecret.Version current = secret.currentVersion();
        Optional<TokenKeySecret.Version> pending = secret.pending(versionId);
        if (pending.isPresent()) {
            return new Outcome.Done("version " + versionId + " has its keys already (kid " + pending.get().keys().current().id() + ")");
        }
        TokenKeys keys = current.keys();
        warnWhenSooner(current);
        TokenKeys next = keys.rotatedTo(TokenKeys.Key.generate(keys.current().id() + 1, new SecureRandom()));
        secret.putPending(versionId, next);
        return new Outcome.Done("version " + versionId + ": kid " + next.current().id() + " will sign, kid "
                + keys.current().id() + " still verify" + keys.previous().map(key -> ", kid " + key.id() + " rotated out").orElse(""));
    }

    private Outcome test(String versionId) {
        TokenKeys current = secret.current();
        Optional<TokenKeySecret.Version> pending = secret.pending(versionId);
        if (pending.isEmpty()) {
            return new Outcome.Refused("version " + versionId + " has no keys: createSecret has not run");
        }
        TokenKeys next = pending.get().keys();
        if (next.previous().filter(current.current()::equals).isEmpty() || next.current().id() != current.current().id() + 1) {
            return new Outcome.Refused("version " + versionId + " does not follow the current keys (kid "
                    + current.current().id() + "): its previous key must be the current one, its kid one more");
        }
        Instant now = clock.instant();
        AdmissionTokens.Claims probe = new AdmissionTokens.Claims(AdmissionTokens.Kind.QUEUE, 1, "rotation-probe", 1,
                now.plusSeconds(60));
        AdmissionTokens before = new AdmissionTokens(current, clock);
        AdmissionTokens after = new AdmissionTokens(next, clock);
        for (String token : List.of(before.issue(probe), after.issue(probe))) {
            if (after.verify(token, AdmissionTokens.Kind.QUEUE, 1, Optional.of("rotation-probe"))
                    instanceof AdmissionTokens.Verification.Invalid invalid) {
                return new Outcome.Refused("the pending keys refuse a token of kid " + AdmissionTokens.kidOf(token).orElse(0L)
                        + ": " + invalid.reason());
            }
        }
        return new Outcome.Done("kid " + next.current().id() + " signs, and kids " + next.current().id() + " and "
                + current.current().id() + " verify");
    }

    /** A rotation sooner than the safe interval cuts short the tokens of the key it rotates out: it says so. */
    private void warnWhenSooner(TokenKeySecret.Version current) {
        if (current.keys().previous().isEmpty() || current.createdAt() == null) {
            return;
        }
        Duration since = Duration.between(current.createdAt(), clock.instant());
        if (since.compareTo(safeInterval) < 0) {
            LOG.log(System.Logger.Level.WARNING, "Rotating the token keys " + since.toMinutes() + " min after the last rotation,"
                    + " sooner than the " + safeInterval.toMinutes() + " min the schedule rule asks: tokens that kid "
                    + current.keys().previous().get().id() + " signed are refused from now on, some before they expire");
        }
    }
}
