package dev.onsale.localstack.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets Manager in memory, for the local stack: secrets with versions and staging labels kept as AWS keeps them,
 * and the operations functions and rotation functions call ({@link #call}). What AWS guarantees holds here: a label is
 * on one version at most; moving {@code AWSCURRENT} moves {@code AWSPREVIOUS} to the version it left; a version's value
 * never changes; a rotation stages its new version {@code AWSPENDING} before it invokes the rotation function, step by
 * step, and a second rotation is refused while one is unfinished.
 *
 * <p>Not kept: deletion and its recovery window, resource policies, replication, tags, KMS keys (values are kept in
 * the clear, in this JVM), rotation on a schedule (rotate with {@link #rotate} or {@code RotateSecret}).
 */
public final class LocalSecretsManager {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";
    public static final String PENDING = "AWSPENDING";
    /** The rotation steps, in the order Secrets Manager invokes them. */
    public static final List<String> ROTATION_STEPS = List.of("createSecret", "setSecret", "testSecret", "finishSecret");
    /** Versions Secrets Manager keeps; older ones without a label go first. */
    static final int MAX_VERSIONS = 100;

    private static final Logger log = LoggerFactory.getLogger(LocalSecretsManager.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Invokes a rotation function with one step's event, as Secrets Manager does; throws when the invocation fails. */
    @FunctionalInterface
    public interface RotationInvoker {
        void invoke(String functionArn, Map<String, String> event);
    }

    private final String region;
    private final String accountId;
    private final Clock clock;
    private final RotationInvoker invoker;
    private final Map<String, Secret> secretsByArn = new LinkedHashMap<>();

    private static final class Version {
        final String id;
        final Instant created;
        String secretString;
        byte[] secretBinary;
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, Instant created) {
            this.id = id;
            this.created = created;
        }

        boolean hasValue() {
            return secretString != null || secretBinary != null;
        }
    }

    private static final class Secret {
        final String arn;
        final String name;
        final String description;
        final Instant created;
        Instant lastChanged;
        Instant lastAccessed;
        Instant lastRotated;
        String rotationLambdaArn;
        ObjectNode rotationRules;
        boolean rotationEnabled;
        final Map<String, Version> versions = new LinkedHashMap<>();

        Secret(String arn, String name, String description, Instant created) {
            this.arn = arn;
            this.name = name;
            this.description = description;
            this.created = created;
            this.lastChanged = created;
        }

        Optional<Version> staged(String stage) {
            return versions.values().stream().filter(version -> version.stages.contains(stage)).findFirst();
        }
    }

    public LocalSecretsManager(String region, String accountId, Clock clock, RotationInvoker invoker) {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.invoker = invoker;
    }

    /**
     * Creates a secret with its first version (staged {@code AWSCURRENT}; none for a null value: an empty secret), as
     * CloudFormation does for an {@code AWS::SecretsManager::Secret}; answers its ARN. Its six-character suffix is derived from the name, so a
     * name has the same ARN in every local run (on AWS it is random).
     */
    public synchronized String create(String name, String description, String secretString) {
        if (find(name).isPresent()) {
            throw new SecretsManagerException("ResourceExistsException", "The operation failed because the secret " + name
                    + " already exists.");
        }
        String arn = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix(name);
        Instant now = clock.instant();
        Secret secret = new Secret(arn, name, description, now);
        if (secretString != null) {
            Version first = new Version(UUID.randomUUID().toString(), now);
            first.secretString = secretString;
            first.stages.add(CURRENT);
            secret.versions.put(first.id, first);
        }
        secretsByArn.put(arn, secret);
        return arn;
    }

    /** Turns rotation on with {@code functionArn}, as an {@code AWS::SecretsManager::RotationSchedule} does. */
    public synchronized void configureRotation(String secretId, String functionArn, Map<String, Object> rules) {
        Secret secret = require(secretId);
        secret.rotationLambdaArn = functionArn;
        secret.rotationRules = rules == null ? null : JSON.valueToTree(rules);
        secret.rotationEnabled = true;
    }

    /**
     * Rotates the secret now and waits for it: stages a new version {@code AWSPENDING}, then invokes the rotation
     * function once per step. Answers the new version's id.
     *
     * @throws SecretsManagerException when the rotation cannot start, or a step fails (the pending version stays, as on
     *                                 AWS, and the next rotation is refused until it is finished or unstaged)
     */
    public String rotate(String secretId) {
        Rotation rotation = startRotation(secretId, null);
        runRotation(rotation);
        return rotation.versionId();
    }

    private record Rotation(String arn, String functionArn, String versionId) {
    }

    private synchronized Rotation startRotation(String secretId, String clientRequestToken) {
        Secret secret = require(secretId);
        if (!secret.rotationEnabled || secret.rotationLambdaArn == null) {
            throw SecretsManagerException.invalidRequest("No Lambda rotation function ARN is associated with this secret.");
        }
        Optional<Version> pending = secret.staged(PENDING);
        if (pending.isPresent() && !pending.get().stages.contains(CURRENT)) {
            throw SecretsManagerException.invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
        }
        String versionId = clientRequestToken == null ? UUID.randomUUID().toString() : requestToken(clientRequestToken);
        if (secret.versions.containsKey(versionId)) {
            throw new SecretsManagerException("ResourceExistsException", "A version with VersionId " + versionId + " already exists.");
        }
        pending.ifPresent(version -> version.stages.remove(PENDING));
        Version version = new Version(versionId, clock.instant());
        version.stages.add(PENDING);
        secret.versions.put(versionId, version);
        return new Rotation(secret.arn, secret.rotationLambdaArn, versionId);
    }

    /** Outside the lock: the rotation function calls back into this service. */
    private void runRotation(Rotation rotation) {
        for (String step : ROTATION_STEPS) {
            try {
                invoker.invoke(rotation.functionArn(), Map.of("Step", step, "SecretId", rotation.arn(),
                        "ClientRequestToken", rotation.versionId()));
            } catch (SecretsManagerException e) {
                throw e;
            } catch (RuntimeException e) {
                throw SecretsManagerException.invalidRequest("Rotation of " + rotation.arn() + " failed at " + step + ": "
                        + e.getMessage());
            }
        }
        synchronized (this) {
            Secret secret = secretsByArn.get(rotation.arn());
            Version version = secret.versions.get(rotation.versionId());
            if (version == null || !version.stages.contains(CURRENT)) {
                throw SecretsManagerException.invalidRequest("Rotation of " + rotation.arn()
                        + " did not finish: version " + rotation.versionId() + " is not AWSCURRENT after finishSecret");
            }
            secret.lastRotated = clock.instant();
        }
    }

    /**
     * One operation of the API, named as in {@code X-Amz-Target: secretsmanager.NAME}, with its JSON request.
     *
     * @throws SecretsManagerException AWS's refusal of it
     */
    public ObjectNode call(String operation, JsonNode request) {
        return switch (operation) {
            case "GetSecretValue" -> getSecretValue(request);
            case "PutSecretValue" -> putSecretValue(request);
            case "DescribeSecret" -> describeSecret(request);
            case "UpdateSecretVersionStage" -> updateSecretVersionStage(request);
            case "RotateSecret" -> rotateSecret(request);
            case "GetRandomPassword" -> getRandomPassword(request);
            default -> throw new SecretsManagerException("UnknownOperationException",
                    "The local Secrets Manager does not serve " + operation);
        };
    }

    private synchronized ObjectNode getSecretValue(JsonNode request) {
        Secret secret = require(required(request, "SecretId"));
        String versionId = text(request, "VersionId");
        String stage = text(request, "VersionStage");
        Version version;
        if (versionId != null) {
            version = secret.versions.get(versionId);
            if (version == null || !version.hasValue() || (stage != null && !version.stages.contains(stage))) {
                throw SecretsManagerException.notFound("Secrets Manager can't find the specified secret value for VersionId: "
                        + versionId + (stage == null ? "" : " and VersionStage: " + stage));
            }
        } else {
            String label = stage == null ? CURRENT : stage;
            version = secret.staged(label).filter(Version::hasValue).orElseThrow(() -> SecretsManagerException.notFound(
                    "Secrets Manager can't find the specified secret value for staging label: " + label));
        }
        secret.lastAccessed = clock.instant().truncatedTo(ChronoUnit.DAYS);
        ObjectNode response = identity(secret);
        response.put("VersionId", version.id);
        if (version.secretString != null) {
            response.put("SecretString", version.secretString);
        } else {
            response.put("SecretBinary", Base64.getEncoder().encodeToString(version.secretBinary));
        }
        stages(response.putArray("VersionStages"), version);
        response.put("CreatedDate", epochSeconds(version.created));
        return response;
    }

    private synchronized ObjectNode putSecretValue(JsonNode request) {
        Secret secret = require(required(request, "SecretId"));
        String secretString = text(request, "SecretString");
        String binary = text(request, "SecretBinary");
        if ((secretString == null) == (binary == null)) {
            throw SecretsManagerException.invalidParameter("You must provide either SecretString or SecretBinary, not both.");
        }
        byte[] secretBinary = binary == null ? null : Base64.getDecoder().decode(binary);
        String versionId = text(request, "ClientRequestToken") == null
                ? UUID.randomUUID().toString() : requestToken(text(request, "ClientRequestToken"));
        List<String> labels = new ArrayList<>();
        if (request.get("VersionStages") instanceof ArrayNode given) {
            given.forEach(label -> labels.add(label.asText()));
        } else {
            labels.add(CURRENT);
        }
        Version version = secret.versions.get(versionId);
        if (version != null && version.hasValue()) {
            if (!Objects.equals(version.secretString, secretString) || !java.util.Arrays.equals(version.secretBinary, secretBinary)) {
                throw new SecretsManagerException("ResourceExistsException",
                        "You can't modify an existing version, you can only create a new version.");
            }
        } else {
            if (version == null) {
                version = new Version(versionId, clock.instant());
                secret.versions.put(versionId, version);
            }
            version.secretString = secretString;
            version.secretBinary = secretBinary;
            for (String label : labels) {
                attach(secret, label, version);
            }
            secret.lastChanged = clock.instant();
            forgetOldVersions(secret);
        }
        ObjectNode response = identity(secret);
        response.put("VersionId", version.id);
        stages(response.putArray("VersionStages"), version);
        return response;
    }

    private synchronized ObjectNode describeSecret(JsonNode request) {
        Secret secret = require(required(request, "SecretId"));
        ObjectNode response = identity(secret);
        if (secret.description != null) {
            response.put("Description", secret.description);
        }
        response.put("RotationEnabled", secret.rotationEnabled);
        if (secret.rotationLambdaArn != null) {
            response.put("RotationLambdaARN", secret.rotationLambdaArn);
        }
        if (secret.rotationRules != null) {
            response.set("RotationRules", secret.rotationRules.deepCopy());
        }
        putDate(response, "LastRotatedDate", secret.lastRotated);
        putDate(response, "LastChangedDate", secret.lastChanged);
        putDate(response, "LastAccessedDate", secret.lastAccessed);
        putDate(response, "CreatedDate", secret.created);
        ObjectNode versions = response.putObject("VersionIdsToStages");
        secret.versions.values().stream().filter(version -> !version.stages.isEmpty())
                .forEach(version -> stages(versions.putArray(version.id), version));
        return response;
    }

    private synchronized ObjectNode updateSecretVersionStage(JsonNode request) {
        Secret secret = require(required(request, "SecretId"));
        String label = required(request, "VersionStage");
        String moveTo = text(request, "MoveToVersionId");
        String removeFrom = text(request, "RemoveFromVersionId");
        if (moveTo == null && removeFrom == null) {
            throw SecretsManagerException.invalidParameter("You must specify MoveToVersionId, RemoveFromVersionId or both.");
        }
        Optional<Version> holder = secret.staged(label);
        if (removeFrom != null && !secret.versions.containsKey(removeFrom)) {
            throw SecretsManagerException.invalidParameter("Secrets Manager can't find the version " + removeFrom
                    + " named in RemoveFromVersionId.");
        }
        if (removeFrom != null && holder.map(version -> !version.id.equals(removeFrom)).orElse(true)) {
            throw SecretsManagerException.invalidParameter("The staging label " + label + " is not attached to version "
                    + removeFrom + ", named in RemoveFromVersionId.");
        }
        Version target = null;
        if (moveTo != null) {
            target = secret.versions.get(moveTo);
            if (target == null) {
                throw SecretsManagerException.notFound("Secrets Manager can't find the specified secret version: " + moveTo);
            }
            if (holder.isPresent() && holder.get() != target && removeFrom == null) {
                throw SecretsManagerException.invalidParameter("The parameter RemoveFromVersionId can't be empty. Staging label "
                        + label + " is currently attached to version " + holder.get().id
                        + ", so you must explicitly reference that version in RemoveFromVersionId.");
            }
        }
        if (target == null) {
            holder.ifPresent(version -> version.stages.remove(label));
        } else {
            attach(secret, label, target);
        }
        secret.lastChanged = clock.instant();
        forgetOldVersions(secret);
        return identity(secret);
    }

    private ObjectNode rotateSecret(JsonNode request) {
        String secretId = required(request, "SecretId");
        boolean immediately = !request.has("RotateImmediately") || request.get("RotateImmediately").asBoolean();
        String arn;
        synchronized (this) {
            Secret secret = require(secretId);
            arn = secret.arn;
            if (text(request, "RotationLambdaARN") != null) {
                secret.rotationLambdaArn = text(request, "RotationLambdaARN");
                secret.rotationEnabled = true;
            }
            if (request.get("RotationRules") instanceof ObjectNode rules) {
                secret.rotationRules = rules.deepCopy();
            }
            if (!immediately) {
                return identity(secret);
            }
        }
        Rotation rotation = startRotation(arn, text(request, "ClientRequestToken"));
        // asynchronous, as on AWS: the answer names the version; DescribeSecret shows how it went
        Thread.ofVirtual().name("secret-rotation").start(() -> {
            try {
                runRotation(rotation);
                log.info("rotated {}: version {} is AWSCURRENT", rotation.arn(), rotation.versionId());
            } catch (SecretsManagerException e) {
                log.warn("rotating {} failed: {}", rotation.arn(), e.getMessage());
            }
        });
        ObjectNode response;
        synchronized (this) {
            response = identity(require(arn));
        }
        response.put("VersionId", rotation.versionId());
        return response;
    }

    private ObjectNode getRandomPassword(JsonNode request) {
        RandomPasswords settings = new RandomPasswords(
                request.has("PasswordLength") ? request.get("PasswordLength").asInt() : RandomPasswords.DEFAULTS.length(),
                text(request, "ExcludeCharacters"),
                request.path("ExcludeNumbers").asBoolean(false),
                request.path("ExcludePunctuation").asBoolean(false),
                request.path("ExcludeUppercase").asBoolean(false),
                request.path("ExcludeLowercase").asBoolean(false),
                request.path("IncludeSpace").asBoolean(false),
                request.path("RequireEachIncludedType").asBoolean(true));
        ObjectNode response = JSON.createObjectNode();
        response.put("RandomPassword", settings.generate());
        return response;
    }

    /** Attaches {@code label} to {@code version} alone; moving {@code AWSCURRENT} stages the version it left {@code AWSPREVIOUS}. */
    private static void attach(Secret secret, String label, Version version) {
        Optional<Version> holder = secret.staged(label);
        if (holder.isPresent() && holder.get() == version) {
            return;
        }
        holder.ifPresent(old -> old.stages.remove(label));
        version.stages.add(label);
        if (label.equals(CURRENT) && holder.isPresent()) {
            secret.staged(PREVIOUS).ifPresent(old -> old.stages.remove(PREVIOUS));
            holder.get().stages.add(PREVIOUS);
        }
    }

    private static void forgetOldVersions(Secret secret) {
        List<String> unlabelled = secret.versions.values().stream().filter(version -> version.stages.isEmpty())
                .map(version -> version.id).toList();
        for (int i = 0; i < unlabelled.size() && secret.versions.size() > MAX_VERSIONS; i++) {
            secret.versions.remove(unlabelled.get(i));
        }
    }

    /** By name, ARN, or ARN without its six-character suffix (a partial ARN), as AWS finds a {@code SecretId}. */
    private Optional<Secret> find(String secretId) {
        Secret byArn = secretsByArn.get(secretId);
        if (byArn != null) {
            return Optional.of(byArn);
        }
        return secretsByArn.values().stream()
                .filter(secret -> secret.name.equals(secretId) || secret.arn.substring(0, secret.arn.length() - 7).equals(secretId))
                .findFirst();
    }

    private Secret require(String secretId) {
        return find(secretId).orElseThrow(() -> SecretsManagerException.notFound("Secrets Manager can't find the specified secret."));
    }

    private static ObjectNode identity(Secret secret) {
        ObjectNode response = JSON.createObjectNode();
        response.put("ARN", secret.arn);
        response.put("Name", secret.name);
        return response;
    }

    private static void stages(ArrayNode array, Version version) {
        version.stages.forEach(array::add);
    }

    private static void putDate(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, epochSeconds(value));
        }
    }

    /** The JSON protocol's timestamps: seconds since the epoch, with milliseconds. */
    private static double epochSeconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request == null ? null : request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String required(JsonNode request, String field) {
        String value = text(request, field);
        if (value == null || value.isEmpty()) {
            throw SecretsManagerException.invalidParameter("The parameter " + field + " is required.");
        }
        return value;
    }

    private static String requestToken(String token) {
        if (token.length() < 32 || token.length() > 64) {
            throw new SecretsManagerException("ValidationException", "1 validation error detected: Value at"
                    + " 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64");
        }
        return token;
    }

    private static String suffix(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            StringBuilder suffix = new StringBuilder(6);
            for (int i = 0; i < 6; i++) {
                suffix.append(SUFFIX_ALPHABET.charAt((digest[i] & 0xff) % SUFFIX_ALPHABET.length()));
            }
            return suffix.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
