package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A rotation function as AWS's generic rotation template writes one: checks the version is staged for rotation,
 * puts a random password as the pending version (createSecret), and moves AWSCURRENT to it (finishSecret). Records
 * the steps it was invoked with.
 */
public class RotationHandler implements RequestHandler<Map<String, String>, Void> {

    public static final List<String> STEPS = new CopyOnWriteArrayList<>();

    private final SecretsManagerClient client;

    public RotationHandler() {
        client = SecretsManagerClient.builder()
                .endpointOverride(URI.create(System.getProperty("lambda.env.AWS_ENDPOINT_URL_SECRETS_MANAGER")))
                .region(Region.of(System.getProperty("lambda.env.AWS_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @Override
    public Void handleRequest(Map<String, String> event, Context context) {
        String arn = event.get("SecretId");
        String token = event.get("ClientRequestToken");
        String step = event.get("Step");
        STEPS.add(step + " " + arn);
        DescribeSecretResponse metadata = client.describeSecret(describe -> describe.secretId(arn));
        if (!Boolean.TRUE.equals(metadata.rotationEnabled())) {
            throw new IllegalStateException("Secret " + arn + " is not enabled for rotation");
        }
        List<String> stages = metadata.versionIdsToStages().get(token);
        if (stages == null) {
            throw new IllegalStateException("Secret version " + token + " has no stage for rotation of secret " + arn);
        }
        if (stages.contains("AWSCURRENT")) {
            return null;
        }
        if (!stages.contains("AWSPENDING")) {
            throw new IllegalStateException("Secret version " + token + " not set as AWSPENDING for rotation of secret " + arn);
        }
        switch (step) {
            case "createSecret" -> {
                client.getSecretValue(get -> get.secretId(arn).versionStage("AWSCURRENT"));
                try {
                    client.getSecretValue(get -> get.secretId(arn).versionId(token).versionStage("AWSPENDING"));
                } catch (ResourceNotFoundException e) {
                    String password = client.getRandomPassword(random -> random.excludeCharacters("/@\"'\\")).randomPassword();
                    client.putSecretValue(put -> put.secretId(arn).clientRequestToken(token).secretString(password)
                            .versionStages("AWSPENDING"));
                }
            }
            case "setSecret", "testSecret" -> {
            }
            case "finishSecret" -> {
                String current = metadata.versionIdsToStages().entrySet().stream()
                        .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElse(null);
                client.updateSecretVersionStage(update -> update.secretId(arn).versionStage("AWSCURRENT")
                        .moveToVersionId(token).removeFromVersionId(current));
                client.updateSecretVersionStage(update -> update.secretId(arn).versionStage("AWSPENDING")
                        .removeFromVersionId(token));
            }
            default -> throw new IllegalArgumentException("Invalid step parameter " + step);
        }
        return null;
    }
}
