package dev.onsale.localstack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates intrinsic functions in template values: {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub},
 * {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::If} with the condition functions,
 * {@code Fn::FindInMap}, {@code Fn::Base64} and {@code Fn::GetAZs}. Resources resolve through
 * {@link ResourceAttributes}; {@code Ref AWS::NoValue} removes the enclosing property or list item.
 */
final class IntrinsicEvaluator {

    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Template template;
    private final Map<String, Object> parameters;
    private final ResourceAttributes resources;
    private final Map<String, Boolean> evaluatedConditions = new HashMap<>();

    IntrinsicEvaluator(Template template, Map<String, Object> parameters, ResourceAttributes resources) {
        this.template = template;
        this.parameters = parameters;
        this.resources = resources;
    }

    /** The same template and parameters, with resources resolving through {@code other} (e.g. as one function sees them). */
    IntrinsicEvaluator withResources(ResourceAttributes other) {
        return new IntrinsicEvaluator(template, parameters, other);
    }

    /** @return the value with every intrinsic resolved: Strings, Numbers, Booleans, Lists and Maps only */
    Object evaluate(Object node) {
        Object value = evaluateOrNoValue(node);
        return value == NO_VALUE ? null : value;
    }

    /** Evaluates a value that must end up a scalar, e.g. an environment variable. */
    String evaluateToString(Object node) {
        Object value = evaluate(node);
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            throw new IllegalArgumentException("expected a scalar, got " + value + " from " + node);
        }
        return value == null ? null : String.valueOf(value);
    }

    synchronized boolean condition(String name) {
        Boolean known = evaluatedConditions.get(name);
        if (known != null) {
            return known;
        }
        if (!template.conditions().containsKey(name)) {
            throw new IllegalArgumentException("no condition " + name + " in the template");
        }
        boolean value = asBoolean(evaluate(template.conditions().get(name)), "condition " + name);
        evaluatedConditions.put(name, value);
        return value;
    }

    /** Logical ids of the resources a value refers to through Ref, GetAtt or Sub. */
    static Set<String> referencedLogicalIds(Object node) {
        Set<String> ids = new LinkedHashSet<>();
        collectReferences(node, ids);
        return ids;
    }

    private Object evaluateOrNoValue(Object node) {
        return switch (node) {
            case Intrinsic intrinsic -> evaluateIntrinsic(intrinsic);
            case Map<?, ?> map -> {
                Map<String, Object> evaluated = new LinkedHashMap<>();
                map.forEach((key, value) -> {
                    Object result = evaluateOrNoValue(value);
                    if (result != NO_VALUE) {
                        evaluated.put(String.valueOf(key), result);
                    }
                });
                yield evaluated;
            }
            case List<?> list -> {
                List<Object> evaluated = new ArrayList<>(list.size());
                for (Object item : list) {
                    Object result = evaluateOrNoValue(item);
                    if (result != NO_VALUE) {
                        evaluated.add(result);
                    }
                }
                yield evaluated;
            }
            case null -> null;
            default -> node;
        };
    }

    private Object evaluateIntrinsic(Intrinsic intrinsic) {
        Object argument = intrinsic.argument();
        return switch (intrinsic.function()) {
            case Intrinsic.REF -> ref(asString(evaluate(argument), "Ref"));
            case Intrinsic.GET_ATT -> {
                List<?> parts = asList(argument, "Fn::GetAtt", 2);
                yield resources.attribute(asString(evaluate(parts.get(0)), "Fn::GetAtt"),
                        asString(evaluate(parts.get(1)), "Fn::GetAtt"));
            }
            case Intrinsic.SUB -> sub(argument);
            case "Fn::Join" -> {
                List<?> parts = asList(argument, "Fn::Join", 2);
                String delimiter = asString(evaluate(parts.get(0)), "Fn::Join");
                List<String> items = asList(evaluate(parts.get(1)), "Fn::Join", -1).stream().map(String::valueOf).toList();
                yield String.join(delimiter, items);
            }
            case "Fn::Select" -> {
                List<?> parts = asList(argument, "Fn::Select", 2);
                int index = Integer.parseInt(String.valueOf(evaluate(parts.get(0))));
                yield asList(evaluate(parts.get(1)), "Fn::Select", -1).get(index);
            }
            case "Fn::Split" -> {
                List<?> parts = asList(argument, "Fn::Split", 2);
                String delimiter = asString(evaluate(parts.get(0)), "Fn::Split");
                String source = asString(evaluate(parts.get(1)), "Fn::Split");
                yield List.of(source.split(Pattern.quote(delimiter), -1));
            }
            case "Fn::If" -> {
                List<?> parts = asList(argument, "Fn::If", 3);
                boolean holds = condition(asString(parts.get(0), "Fn::If"));
                yield evaluateOrNoValue(holds ? parts.get(1) : parts.get(2));
            }
            case "Fn::Equals" -> {
                List<?> parts = asList(argument, "Fn::Equals", 2);
                yield String.valueOf(evaluate(parts.get(0))).equals(String.valueOf(evaluate(parts.get(1))));
            }
            case "Fn::Not" -> !asBoolean(evaluate(asList(argument, "Fn::Not", 1).get(0)), "Fn::Not");
            case "Fn::And" -> asList(argument, "Fn::And", -1).stream().allMatch(item -> asBoolean(evaluate(item), "Fn::And"));
            case "Fn::Or" -> asList(argument, "Fn::Or", -1).stream().anyMatch(item -> asBoolean(evaluate(item), "Fn::Or"));
            case Intrinsic.CONDITION -> condition(asString(argument, "Condition"));
            case "Fn::FindInMap" -> {
                List<?> parts = asList(argument, "Fn::FindInMap", 3);
                Object map = template.mappings().get(asString(evaluate(parts.get(0)), "Fn::FindInMap"));
                Object top = Template.asMap(map, "mapping").get(asString(evaluate(parts.get(1)), "Fn::FindInMap"));
                yield Template.asMap(top, "mapping key").get(asString(evaluate(parts.get(2)), "Fn::FindInMap"));
            }
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    asString(evaluate(argument), "Fn::Base64").getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> {
                String region = String.valueOf(parameters.get("AWS::Region"));
                yield List.of(region + "a", region + "b", region + "c");
            }
            case "Fn::ImportValue" -> "local-import-" + asString(evaluate(argument), "Fn::ImportValue");
            default -> throw new IllegalArgumentException("intrinsic function " + intrinsic.function() + " is not supported locally");
        };
    }

    private Object ref(String name) {
        if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        Object parameter = parameters.get(name);
        return parameter != null ? parameter : resources.ref(name);
    }

    /** {@code Fn::Sub}: "${Name}" is a Ref (or a variable), "${Name.Attr}" a GetAtt, "${!Literal}" stays "${Literal}". */
    private String sub(Object argument) {
        String text;
        Map<String, Object> variables = new HashMap<>();
        if (argument instanceof List<?> parts) {
            text = asString(parts.get(0), "Fn::Sub");
            Template.asMap(parts.get(1), "Fn::Sub variables").forEach((name, value) -> variables.put(name, evaluate(value)));
        } else {
            text = asString(argument, "Fn::Sub");
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = String.valueOf(variables.get(name));
            } else if (parameters.containsKey(name) || !name.contains(".")) {
                replacement = String.valueOf(ref(name));
            } else {
                List<String> parts = TemplateConstructor.splitGetAtt(name);
                replacement = resources.attribute(parts.get(0), parts.get(1));
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private static void collectReferences(Object node, Set<String> ids) {
        switch (node) {
            case Intrinsic(String function, Object argument) when function.equals(Intrinsic.REF) -> {
                if (argument instanceof String name && !name.startsWith("AWS::")) {
                    ids.add(name);
                }
            }
            case Intrinsic(String function, List<?> argument) when function.equals(Intrinsic.GET_ATT) -> {
                if (!argument.isEmpty() && argument.get(0) instanceof String name) {
                    ids.add(name);
                }
            }
            case Intrinsic(String function, Object argument) when function.equals(Intrinsic.SUB) -> {
                Object text = argument instanceof List<?> parts ? parts.get(0) : argument;
                if (text instanceof String template) {
                    Matcher matcher = SUB_VARIABLE.matcher(template);
                    while (matcher.find()) {
                        String name = matcher.group(1);
                        if (!name.startsWith("!") && !name.startsWith("AWS::")) {
                            ids.add(name.contains(".") ? name.substring(0, name.indexOf('.')) : name);
                        }
                    }
                }
                if (argument instanceof List<?> parts && parts.size() > 1) {
                    collectReferences(parts.get(1), ids);
                }
            }
            case Intrinsic intrinsic -> collectReferences(intrinsic.argument(), ids);
            case Map<?, ?> map -> map.values().forEach(value -> collectReferences(value, ids));
            case List<?> list -> list.forEach(item -> collectReferences(item, ids));
            case null, default -> { }
        }
    }

    private static String asString(Object value, String function) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException(function + " expected a string, got " + value);
    }

    private static boolean asBoolean(Object value, String what) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(what + " expected a boolean, got " + value);
    }

    private static List<?> asList(Object value, String function, int size) {
        if (value instanceof List<?> list && (size < 0 || list.size() == size)) {
            return list;
        }
        throw new IllegalArgumentException(function + " expected a list" + (size < 0 ? "" : " of " + size) + ", got " + value);
    }
}
