package dev.onsale.localstack;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values {@code Ref} sees for parameters and pseudo parameters: overrides, else the template's
 * defaults. A parameter with neither (a VPC id, a JWT issuer: things that only exist in AWS) gets a
 * harmless placeholder so the template still runs locally.
 */
final class StackParameters {

    static final String ACCOUNT_ID = "000000000000";

    private static final Logger log = LoggerFactory.getLogger(StackParameters.class);

    private StackParameters() {}

    /** @return parameter name (or pseudo parameter such as {@code AWS::Region}) to a String or a List of Strings */
    static Map<String, Object> resolve(Template template, Map<String, String> overrides, String stackName, String region) {
        overrides.keySet().stream()
                .filter(name -> !template.parameters().containsKey(name))
                .findFirst()
                .ifPresent(name -> {
                    throw new IllegalArgumentException("parameter override " + name + " is not a parameter of the template");
                });
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("AWS::Region", region);
        values.put("AWS::AccountId", ACCOUNT_ID);
        values.put("AWS::StackName", stackName);
        values.put("AWS::StackId", "arn:aws:cloudformation:" + region + ":" + ACCOUNT_ID + ":stack/" + stackName + "/local");
        values.put("AWS::Partition", "aws");
        values.put("AWS::URLSuffix", "amazonaws.com");
        values.put("AWS::NotificationARNs", List.of());
        for (Template.Parameter parameter : template.parameters().values()) {
            String text = overrides.getOrDefault(parameter.name(), parameter.defaultValue());
            if (text != null && !parameter.allowedValues().isEmpty() && !parameter.allowedValues().contains(text)) {
                throw new IllegalArgumentException("parameter " + parameter.name() + " = " + text
                        + " is not one of " + parameter.allowedValues());
            }
            if (text == null) {
                log.debug("parameter {} has no value; using a local placeholder", parameter.name());
            }
            values.put(parameter.name(), parameter.isList()
                    ? (text == null || text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).toList())
                    : (text == null ? "local-" + parameter.name() : text));
        }
        return values;
    }
}
