package dev.onsale.localstack.iam;

import java.util.List;
import java.util.Map;

/**
 * One statement of an identity-based policy: {@code Effect}, {@code Action} or {@code NotAction},
 * {@code Resource} or {@code NotResource}.
 *
 * @param conditional whether it has a {@code Condition}, which is not evaluated here: a conditional Allow
 *                    grants nothing and a conditional Deny always applies (stricter than AWS, never laxer)
 */
public record PolicyStatement(Effect effect, List<String> actions, boolean notAction, List<String> resources,
                              boolean notResource, boolean conditional) {

    public enum Effect { ALLOW, DENY }

    public PolicyStatement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
    }

    public static PolicyStatement allow(List<String> actions, List<String> resources) {
        return new PolicyStatement(Effect.ALLOW, actions, false, resources, false, false);
    }

    public static PolicyStatement deny(List<String> actions, List<String> resources) {
        return new PolicyStatement(Effect.DENY, actions, false, resources, false, false);
    }

    /**
     * A statement as a template writes it (intrinsics already resolved).
     *
     * @throws IllegalArgumentException when it is not a valid identity-policy statement
     */
    static PolicyStatement parse(Object declared, String where) {
        if (!(declared instanceof Map<?, ?> statement)) {
            throw new IllegalArgumentException(where + ": a policy statement is a mapping, got " + declared);
        }
        Effect effect = switch (String.valueOf(statement.get("Effect"))) {
            case "Allow" -> Effect.ALLOW;
            case "Deny" -> Effect.DENY;
            default -> throw new IllegalArgumentException(where + ": Effect must be Allow or Deny, got " + statement.get("Effect"));
        };
        boolean notAction = statement.containsKey("NotAction");
        boolean notResource = statement.containsKey("NotResource");
        if (notAction == statement.containsKey("Action")) {
            throw new IllegalArgumentException(where + ": a statement needs exactly one of Action and NotAction");
        }
        if (notResource == statement.containsKey("Resource")) {
            throw new IllegalArgumentException(where + ": an identity-based policy statement needs exactly one of Resource and NotResource");
        }
        return new PolicyStatement(effect, strings(statement.get(notAction ? "NotAction" : "Action"), where),
                notAction, strings(statement.get(notResource ? "NotResource" : "Resource"), where), notResource,
                statement.get("Condition") != null);
    }

    /** Whether this statement speaks of {@code action} on {@code resource} (its Condition aside). */
    boolean covers(String action, String resource) {
        boolean actionListed = actions.stream().anyMatch(pattern -> Wildcards.actionMatches(pattern, action));
        boolean resourceListed = resources.stream().anyMatch(pattern -> Wildcards.resourceMatches(pattern, resource));
        return actionListed != notAction && resourceListed != notResource;
    }

    private static List<String> strings(Object value, String where) {
        return switch (value) {
            case String single -> List.of(single);
            case List<?> list -> list.stream().map(item -> {
                if (item instanceof Map<?, ?> || item instanceof List<?> || item == null) {
                    throw new IllegalArgumentException(where + ": expected strings, got " + item);
                }
                return String.valueOf(item);
            }).toList();
            default -> throw new IllegalArgumentException(where + ": expected a string or a list of strings, got " + value);
        };
    }
}
