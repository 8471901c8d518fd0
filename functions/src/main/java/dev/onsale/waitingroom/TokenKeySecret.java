package dev.onsale.waitingroom;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The Secrets Manager secret that holds the token keys ({@link TokenKeys}, {@code WAITING_ROOM_SECRET_ARN}): the one
 * place that knows its calls. Functions read its {@code AWSCURRENT} version; the rotation function also writes an
 * {@code AWSPENDING} version and moves the stages.
 */
public final class TokenKeySecret {
    static final String CURRENT = "AWSCURRENT";
    static final String PENDING = "AWSPENDING";

    private final Supplier<SecretsManagerClient> client;
    private final String secretId;

    public TokenKeySecret(Supplier<SecretsManagerClient> client, String secretId) {
        this.client = client;
        this.secretId = secretId;
    }

    public String secretId() {
        return secretId;
    }

    /** A version's keys and when it was made. */
    public record Version(String versionId, TokenKeys keys, Instant createdAt) {
    }

    /** The keys every function uses now. */
    public TokenKeys current() {
        return currentVersion().keys();
    }

    public Version currentVersion() {
        return version(client.get().getSecretValue(get -> get.secretId(secretId).versionStage(CURRENT)));
    }

    /** The rotation's own facts of the secret: whether rotation is on, and each version's stages. */
    public record Rotation(boolean enabled, Map<String, List<String>> stagesByVersion) {
        public Optional<String> currentVersionId() {
            return stagesByVersion.entrySet().stream().filter(e -> e.getValue().contains(CURRENT)).map(Map.Entry::getKey)
                    .findFirst();
        }
    }

    public Rotation rotation() {
        DescribeSecretResponse described = client.get().describeSecret(describe -> describe.secretId(secretId));
        return new Rotation(Boolean.TRUE.equals(described.rotationEnabled()),
                described.versionIdsToStages() == null ? Map.of() : described.versionIdsToStages());
    }

    /** The pending version {@code versionId}, when it has a value yet. */
    public Optional<Version> pending(String versionId) {
        try {
            return Optional.of(version(client.get().getSecretValue(get -> get.secretId(secretId).versionId(versionId)
                    .versionStage(PENDING))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code keys} as version {@code versionId}, staged {@code AWSPENDING} (idempotent for the same keys). */
    public void putPending(String versionId, TokenKeys keys) {
        client.get().putSecretValue(put -> put.secretId(secretId).clientRequestToken(versionId)
                .secretString(keys.toSecretString()).versionStages(PENDING));
    }

    /** Makes {@code versionId} the current version (the one before becomes {@code AWSPREVIOUS}) and ends its pending stage. */
    public void promote(String versionId, Optional<String> currentVersionId) {
        client.get().updateSecretVersionStage(update -> update.secretId(secretId).versionStage(CURRENT)
                .moveToVersionId(versionId).removeFromVersionId(currentVersionId.orElse(null)));
        client.get().updateSecretVersionStage(update -> update.secretId(secretId).versionStage(PENDING)
                .removeFromVersionId(versionId));
    }

    private static Version version(GetSecretValueResponse response) {
        return new Version(response.versionId(), TokenKeys.parse(response.secretString()), response.createdDate());
    }
}
