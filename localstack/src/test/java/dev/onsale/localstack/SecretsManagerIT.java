package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onsale.localstack.handlers.RotationHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretResponse;

/** The local Secrets Manager through the SDK, as functions and rotation functions call it. */
class SecretsManagerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;
    private static SecretsManagerClient client;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackOptions.builder()
                .template(Path.of("src/test/resources/secrets-template.yaml"))
                .port(0)
                .stackName("secrets")
                .pollers(false)
                .build());
        client = SecretsManagerClient.builder()
                .endpointOverride(stack.secretsManagerEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** A secret of its own for a test, with one current version (made as CloudFormation makes the template's). */
    private static String createdSecret(String value) {
        return stack.secretsManager().create("test-" + UUID.randomUUID(), null, value);
    }

    @Test
    void aGeneratedSecretFollowsItsTemplateAndSettings() throws Exception {
        String arn = stack.physicalId("ApiKey");
        assertTrue(arn.matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:secrets-ApiKey-[A-Za-z0-9]{6}"), arn);
        GetSecretValueResponse value = client.getSecretValue(get -> get.secretId(arn));
        JsonNode json = JSON.readTree(value.secretString());
        assertEquals("app", json.get("user").asText());
        String password = json.get("password").asText();
        assertEquals(40, password.length());
        assertTrue(password.chars().noneMatch(c -> "\"@/\\".indexOf(c) >= 0), password);
        assertEquals(List.of("AWSCURRENT"), value.versionStages());

        DescribeSecretResponse described = client.describeSecret(describe -> describe.secretId("secrets-ApiKey"));
        assertEquals(arn, described.arn());
        assertEquals("a generated password in a JSON template", described.description());
        assertEquals(Map.of(value.versionId(), List.of("AWSCURRENT")), described.versionIdsToStages());
        assertTrue(described.rotationEnabled());
        assertEquals(stack.attribute("RotatorFunction", "Arn"), described.rotationLambdaARN());
        assertEquals("rate(30 days)", described.rotationRules().scheduleExpression());
    }

    @Test
    void aSecretIsFoundByNameArnOrPartialArn() {
        String arn = stack.physicalId("Plain");
        for (String id : new String[] {arn, "secrets-plain", arn.substring(0, arn.length() - 7)}) {
            assertEquals("hello", client.getSecretValue(get -> get.secretId(id)).secretString(), id);
        }
    }

    @Test
    void functionsGetTheEndpointAndTheArn() {
        @SuppressWarnings("unchecked")
        Map<String, String> seen = (Map<String, String>) stack.invoke("ProbeFunction", Map.of());
        assertEquals(stack.secretsManagerEndpoint().toString(), seen.get("AWS_ENDPOINT_URL_SECRETS_MANAGER"));
        assertEquals(stack.physicalId("ApiKey"), seen.get("SECRET_ARN"));
    }

    @Test
    void aMissingSecretIsResourceNotFound() {
        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
                () -> client.getSecretValue(get -> get.secretId("no-such-secret")));
        assertEquals("Secrets Manager can't find the specified secret.", missing.awsErrorDetails().errorMessage());
        assertEquals(400, missing.statusCode());
        assertThrows(ResourceNotFoundException.class, () -> client.describeSecret(describe -> describe.secretId("no-such-secret")));
    }

    @Test
    void aPendingVersionIsReadByItsIdAndStageAndBecomesCurrentWhenMoved() {
        String arn = createdSecret("one");
        String first = client.getSecretValue(get -> get.secretId(arn)).versionId();
        String token = UUID.randomUUID().toString();
        PutSecretValueResponse put = client.putSecretValue(p -> p.secretId(arn).clientRequestToken(token).secretString("two")
                .versionStages("AWSPENDING"));
        assertEquals(token, put.versionId());
        assertEquals("one", client.getSecretValue(get -> get.secretId(arn)).secretString(), "AWSCURRENT did not move");
        assertEquals("two", client.getSecretValue(get -> get.secretId(arn).versionId(token).versionStage("AWSPENDING")).secretString());
        assertThrows(ResourceNotFoundException.class,
                () -> client.getSecretValue(get -> get.secretId(arn).versionId(token).versionStage("AWSCURRENT")));

        InvalidParameterException unnamed = assertThrows(InvalidParameterException.class, () -> client.updateSecretVersionStage(
                update -> update.secretId(arn).versionStage("AWSCURRENT").moveToVersionId(token)));
        assertTrue(unnamed.getMessage().contains("RemoveFromVersionId"), unnamed.getMessage());

        client.updateSecretVersionStage(update -> update.secretId(arn).versionStage("AWSCURRENT").moveToVersionId(token)
                .removeFromVersionId(first));
        assertEquals(Map.of(first, List.of("AWSPREVIOUS"), token, List.of("AWSPENDING", "AWSCURRENT")),
                client.describeSecret(describe -> describe.secretId(arn)).versionIdsToStages());
        assertEquals("one", client.getSecretValue(get -> get.secretId(arn).versionStage("AWSPREVIOUS")).secretString());
        assertEquals("two", client.getSecretValue(get -> get.secretId(arn)).secretString());
    }

    @Test
    void aVersionNeverChangesItsValue() {
        String arn = createdSecret("one");
        String token = UUID.randomUUID().toString();
        client.putSecretValue(p -> p.secretId(arn).clientRequestToken(token).secretString("two"));
        client.putSecretValue(p -> p.secretId(arn).clientRequestToken(token).secretString("two")); // the same: nothing happens
        assertThrows(ResourceExistsException.class,
                () -> client.putSecretValue(p -> p.secretId(arn).clientRequestToken(token).secretString("three")));
        GetSecretValueResponse current = client.getSecretValue(get -> get.secretId(arn));
        assertEquals(token, current.versionId(), "without VersionStages a new value becomes AWSCURRENT");
        assertEquals("two", current.secretString());
        assertEquals("one", client.getSecretValue(get -> get.secretId(arn).versionStage("AWSPREVIOUS")).secretString());
    }

    @Test
    void rotateSecretInvokesTheRotationFunctionStepByStep() throws Exception {
        String arn = stack.physicalId("ApiKey");
        GetSecretValueResponse before = client.getSecretValue(get -> get.secretId(arn));
        RotationHandler.STEPS.clear();

        RotateSecretResponse started = client.rotateSecret(rotate -> rotate.secretId(arn));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!client.getSecretValue(get -> get.secretId(arn)).versionId().equals(started.versionId()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        GetSecretValueResponse after = client.getSecretValue(get -> get.secretId(arn));
        assertEquals(started.versionId(), after.versionId());
        assertNotEquals(before.secretString(), after.secretString());
        assertEquals(List.of("createSecret " + arn, "setSecret " + arn, "testSecret " + arn, "finishSecret " + arn),
                List.copyOf(RotationHandler.STEPS));
        DescribeSecretResponse described = client.describeSecret(describe -> describe.secretId(arn));
        assertEquals(Map.of(before.versionId(), List.of("AWSPREVIOUS"), after.versionId(), List.of("AWSCURRENT")),
                described.versionIdsToStages());
        assertTrue(described.lastRotatedDate() != null);
    }

    @Test
    void aSecondRotationIsRefusedWhileOneIsUnfinished() {
        String arn = createdSecret("one");
        stack.secretsManager().configureRotation(arn, stack.attribute("RotatorFunction", "Arn"), Map.of());
        // no permission names this secret: the rotation fails at its first step and stays unfinished
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> stack.rotateSecret(arn));
        assertTrue(failed.getMessage().contains("AccessDeniedException"), failed.getMessage());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> client.rotateSecret(rotate -> rotate.secretId(arn)));
        assertTrue(refused.getMessage().contains("previous rotation isn't complete"), refused.getMessage());
    }

    @Test
    void secretsManagerMayInvokeOnlyWhatAPermissionLetsIt() {
        IllegalStateException denied = assertThrows(IllegalStateException.class, () -> stack.rotateSecret("Plain"));
        assertTrue(denied.getMessage().contains("secretsmanager.amazonaws.com"), denied.getMessage());
        assertEquals("hello", client.getSecretValue(get -> get.secretId(stack.physicalId("Plain"))).secretString());
    }

    @Test
    void aScheduleRotatesItsSecretWhenItIsMadeUnlessToldNotTo() {
        Map<String, List<String>> immediate = client.describeSecret(describe -> describe.secretId(stack.physicalId("Immediate")))
                .versionIdsToStages();
        assertEquals(2, immediate.size(), "rotated once at start: " + immediate);
        assertTrue(immediate.containsValue(List.of("AWSPREVIOUS")), immediate.toString());
        Map<String, List<String>> plain = client.describeSecret(describe -> describe.secretId(stack.physicalId("Plain")))
                .versionIdsToStages();
        assertTrue(plain.values().stream().noneMatch(stages -> stages.contains("AWSPREVIOUS")), "never rotated: " + plain);
    }

    @Test
    void randomPasswordsFollowTheirSettings() {
        String password = client.getRandomPassword(random -> random.passwordLength(50L).excludePunctuation(true)
                .excludeNumbers(true)).randomPassword();
        assertEquals(50, password.length());
        assertTrue(password.chars().allMatch(Character::isLetter), password);
        String mixed = client.getRandomPassword(random -> random.passwordLength(8L)).randomPassword();
        assertTrue(mixed.chars().anyMatch(Character::isDigit) && mixed.chars().anyMatch(Character::isUpperCase)
                && mixed.chars().anyMatch(Character::isLowerCase) && mixed.chars().anyMatch(c -> !Character.isLetterOrDigit(c)), mixed);
        assertFalse(client.getRandomPassword(random -> random.includeSpace(false)).randomPassword().contains(" "));
    }
}
