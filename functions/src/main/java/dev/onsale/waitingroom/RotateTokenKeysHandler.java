package dev.onsale.waitingroom;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.Log;
import dev.onsale.platform.SnapStart;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Rotates the waiting room's token keys, one step of Secrets Manager's rotation protocol per invocation
 * ({@link TokenKeyRotation}). Triggered by Secrets Manager: the secret's rotation schedule, or {@code RotateSecret}.
 * The event is {@code {"Step", "SecretId", "ClientRequestToken"}}; a step that cannot be done fails the invocation,
 * which fails the rotation (Secrets Manager tries it again), and leaves the keys as they were.
 */
public final class RotateTokenKeysHandler implements RequestHandler<Map<String, Object>, Void>, SnapStart.Hooked {
    private static final System.Logger LOG = System.getLogger(RotateTokenKeysHandler.class.getName());

    @SuppressWarnings("unused")
    private final Config.Telemetry telemetry = Log.setUp();
    private final Optional<String> secretArn;
    private final Rotations rotations;
    /** Primes by describing the secret (a read); held since CRaC holds it weakly. */
    private final SnapStart snapStart = SnapStart.register(getClass().getSimpleName(), this::prime);

    /** The rotation of a secret, by its id. */
    public interface Rotations {
        TokenKeyRotation of(String secretId);
    }

    public RotateTokenKeysHandler() {
        this(Config.fromEnvironment());
    }

    private RotateTokenKeysHandler(Config config) {
        this(config.waitingRoom().secretArn(), secretId -> new TokenKeyRotation(
                new TokenKeySecret(AwsClients.secretsManager(config), secretId), Clock.systemUTC(),
                TokenKeyRotation.safeInterval(WaitingRoomService.longestTokenLifetime(config.waitingRoom()),
                        config.waitingRoom().keysRefresh())));
        AwsClients.secretsManager(config).buildInBackground();
    }

    /** @param secretArn the one secret this function rotates ({@code WAITING_ROOM_SECRET_ARN}); empty: whichever it is asked */
    public RotateTokenKeysHandler(Optional<String> secretArn, Rotations rotations) {
        this.secretArn = secretArn;
        this.rotations = rotations;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        String secretId = text(event, "SecretId");
        String versionId = text(event, "ClientRequestToken");
        String stepName = text(event, "Step");
        TokenKeyRotation.Step step = TokenKeyRotation.Step.named(stepName).orElseThrow(() -> new IllegalArgumentException(
                "Step " + stepName + " is none of createSecret, setSecret, testSecret, finishSecret"));
        if (secretArn.isPresent() && !secretArn.get().equals(secretId)) {
            throw new IllegalArgumentException("this function rotates " + secretArn.get() + " only, not " + secretId);
        }
        switch (rotations.of(secretId).run(step, versionId)) {
            case TokenKeyRotation.Outcome.Done done -> LOG.log(System.Logger.Level.INFO, step + " of " + secretId + ": " + done.what());
            case TokenKeyRotation.Outcome.Refused refused -> {
                LOG.log(System.Logger.Level.ERROR, step + " of " + secretId + " refused: " + refused.why());
                throw new IllegalStateException(step + " refused: " + refused.why());
            }
        }
        return null;
    }

    @Override
    public SnapStart snapStart() {
        return snapStart;
    }

    private String prime() {
        return secretArn.map(arn -> {
            boolean enabled = rotations.of(arn).rotationEnabled();
            return "described the secret (rotation " + (enabled ? "on" : "off") + ")";
        }).orElse("no secret to describe");
    }

    private static String text(Map<String, Object> event, String name) {
        Object value = event == null ? null : event.get(name);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("the rotation event has no " + name);
        }
        return text;
    }
}
