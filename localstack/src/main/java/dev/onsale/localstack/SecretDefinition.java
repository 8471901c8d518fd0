package dev.onsale.localstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.localstack.secrets.RandomPasswords;

/**
 * An {@code AWS::SecretsManager::Secret} of the template: its name, description and first value, made as CloudFormation
 * makes it: {@code SecretString} as given, or {@code GenerateSecretString}'s random string (with its settings and
 * defaults), put under {@code GenerateStringKey} in {@code SecretStringTemplate} when those are given; neither makes
 * a secret with no value. The value is made anew at every start: like a new stack, not a restored one.
 */
record SecretDefinition(String logicalId, String name, String description, String secretString) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static SecretDefinition from(Template.Resource resource, IntrinsicEvaluator evaluator, String stackName) {
        ResourceProperties properties = ResourceProperties.of(resource.logicalId(), evaluator.evaluate(resource.properties()));
        String name = properties.string("Name", stackName + "-" + resource.logicalId());
        String description = properties.string("Description");
        if (properties.has("SecretString") && properties.has("GenerateSecretString")) {
            throw new IllegalArgumentException(resource.logicalId() + ": SecretString and GenerateSecretString exclude each other");
        }
        String value = properties.has("GenerateSecretString")
                ? generated(resource.logicalId(), properties.nested("GenerateSecretString"))
                : properties.string("SecretString");
        return new SecretDefinition(resource.logicalId(), name, description, value);
    }

    private static String generated(String logicalId, ResourceProperties generate) {
        RandomPasswords settings = new RandomPasswords(
                (int) generate.number("PasswordLength", RandomPasswords.DEFAULTS.length()),
                generate.string("ExcludeCharacters", ""),
                generate.bool("ExcludeNumbers", false),
                generate.bool("ExcludePunctuation", false),
                generate.bool("ExcludeUppercase", false),
                generate.bool("ExcludeLowercase", false),
                generate.bool("IncludeSpace", false),
                generate.bool("RequireEachIncludedType", true));
        String template = generate.string("SecretStringTemplate");
        String key = generate.string("GenerateStringKey");
        if ((template == null) != (key == null)) {
            throw new IllegalArgumentException(logicalId + ": GenerateSecretString needs both SecretStringTemplate and"
                    + " GenerateStringKey, or neither");
        }
        if (template == null) {
            return settings.generate();
        }
        try {
            JsonNode parsed = JSON.readTree(template);
            if (!(parsed instanceof ObjectNode object)) {
                throw new IllegalArgumentException(logicalId + ": SecretStringTemplate is not a JSON object");
            }
            object.put(key, settings.generate());
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(logicalId + ": SecretStringTemplate is not JSON", e);
        }
    }
}
