package dev.onsale.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code AWS::SecretsManager::RotationSchedule} of the template: which secret its Lambda function rotates, with
 * which rules (kept for {@code DescribeSecret}: there is no schedule locally), and whether the secret is rotated
 * as soon as the schedule is made ({@code RotateImmediatelyOnUpdate}, true unless set). {@code HostedRotationLambda}
 * (a function AWS writes) is not emulated.
 */
record RotationScheduleDefinition(String logicalId, String secretId, String rotationLambdaArn, Map<String, Object> rules,
                                  boolean rotateImmediately) {

    static RotationScheduleDefinition from(Template.Resource resource, IntrinsicEvaluator evaluator) {
        ResourceProperties properties = ResourceProperties.of(resource.logicalId(), evaluator.evaluate(resource.properties()));
        if (properties.has("HostedRotationLambda")) {
            throw new IllegalArgumentException(resource.logicalId() + ": HostedRotationLambda is not emulated locally;"
                    + " name your own function in RotationLambdaARN");
        }
        String secretId = properties.string("SecretId");
        String lambda = properties.string("RotationLambdaARN");
        if (secretId == null || lambda == null) {
            throw new IllegalArgumentException(resource.logicalId() + " needs SecretId and RotationLambdaARN");
        }
        Map<String, Object> rules = new LinkedHashMap<>();
        if (properties.has("RotationRules")) {
            properties.nested("RotationRules").values().forEach(rules::put);
        }
        return new RotationScheduleDefinition(resource.logicalId(), secretId, lambda, rules,
                properties.bool("RotateImmediatelyOnUpdate", true));
    }
}
