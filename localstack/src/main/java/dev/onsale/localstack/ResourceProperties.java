package dev.onsale.localstack;

import java.util.List;
import java.util.Map;

/** Typed reads of a resource's evaluated properties (CloudFormation accepts numbers and booleans as strings too). */
record ResourceProperties(String owner, Map<String, Object> values) {

    static ResourceProperties of(String owner, Object evaluated) {
        return new ResourceProperties(owner, evaluated == null ? Map.of() : Template.asMap(evaluated, owner));
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    String string(String key) {
        Object value = values.get(key);
        return value == null ? null : String.valueOf(value);
    }

    String string(String key, String fallback) {
        String value = string(key);
        return value == null ? fallback : value;
    }

    Long number(String key) {
        String value = string(key);
        return value == null ? null : Long.valueOf(value.trim());
    }

    long number(String key, long fallback) {
        Long value = number(key);
        return value == null ? fallback : value;
    }

    boolean bool(String key, boolean fallback) {
        String value = string(key);
        return value == null ? fallback : Boolean.parseBoolean(value.trim());
    }

    ResourceProperties nested(String key) {
        return of(owner + "." + key, values.get(key));
    }

    List<ResourceProperties> list(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException(owner + "." + key + " should be a list, got: " + value);
        }
        return items.stream().map(item -> of(owner + "." + key, item)).toList();
    }

    List<String> strings(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
