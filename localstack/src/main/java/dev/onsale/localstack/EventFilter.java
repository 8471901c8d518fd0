package dev.onsale.localstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An event source mapping's {@code FilterCriteria}: Lambda drops the records no filter matches before it
 * batches them (they are never delivered, and their position is checkpointed). A record matches a
 * filter's pattern when every key of the pattern matches: an object pattern goes one level down the
 * record, an array lists what the value may be (any one of them). Supported, as Lambda's filtering
 * documents them: exact strings, numbers, booleans and null; {@code {"prefix": "..."}};
 * {@code {"anything-but": value or [values]}}; {@code {"exists": true|false}}. No filters: every
 * record matches.
 */
record EventFilter(List<JsonNode> patterns) {

    /** Everything passes. */
    static final EventFilter NONE = new EventFilter(List.of());

    /** The patterns of {@code FilterCriteria.Filters[].Pattern} (each a JSON text). */
    static EventFilter of(String where, List<String> patterns) {
        List<JsonNode> parsed = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            try {
                JsonNode node = LambdaJson.mapper().readTree(pattern);
                if (!node.isObject()) {
                    throw new IllegalArgumentException(where + ": a filter pattern is a JSON object, not " + pattern);
                }
                check(where, node);
                parsed.add(node);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + ": a filter pattern is not JSON: " + pattern, e);
            }
        }
        return new EventFilter(List.copyOf(parsed));
    }

    boolean matches(JsonNode record) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (JsonNode pattern : patterns) {
            if (matchesObject(pattern, record)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode value) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode child = value == null ? null : value.get(field.getKey());
            JsonNode expected = field.getValue();
            boolean matched = expected.isObject() ? child != null && child.isObject() && matchesObject(expected, child)
                    : anyOf(expected, child);
            if (!matched) {
                return false;
            }
        }
        return true;
    }

    /** A leaf: an array of allowed values and operators. */
    private static boolean anyOf(JsonNode allowed, JsonNode value) {
        for (JsonNode rule : allowed) {
            if (rule.isObject() ? matchesOperator(rule, value) : value != null && equal(rule, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOperator(JsonNode rule, JsonNode value) {
        Map.Entry<String, JsonNode> operator = rule.fields().next();
        JsonNode argument = operator.getValue();
        return switch (operator.getKey()) {
            case "exists" -> argument.asBoolean() == (value != null && !value.isNull());
            case "prefix" -> value != null && value.isTextual() && value.asText().startsWith(argument.asText());
            case "anything-but" -> value != null && !(argument.isArray() ? anyOf(argument, value) : equal(argument, value));
            default -> throw new IllegalStateException("unchecked filter operator " + operator.getKey());
        };
    }

    private static boolean equal(JsonNode expected, JsonNode value) {
        if (expected.isNumber() && value.isNumber()) {
            return expected.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        return expected.equals(value);
    }

    /** Refuses what this filter would not apply as Lambda does (an unknown operator would silently match wrong). */
    private static void check(String where, JsonNode pattern) {
        pattern.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isObject()) {
                check(where, value);
            } else if (!value.isArray()) {
                throw new IllegalArgumentException(where + ": filter key " + field.getKey() + " wants an array of values");
            } else {
                for (JsonNode rule : value) {
                    if (rule.isObject()) {
                        String operator = rule.size() == 1 ? rule.fieldNames().next() : "";
                        if (!List.of("exists", "prefix", "anything-but").contains(operator)) {
                            throw new IllegalArgumentException(where + ": filter operator " + rule + " is not applied locally"
                                    + " (exact values, prefix, anything-but and exists are)");
                        }
                    }
                }
            }
        });
    }
}
