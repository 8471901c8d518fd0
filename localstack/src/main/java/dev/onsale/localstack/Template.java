package dev.onsale.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * A parsed SAM / CloudFormation template: parameters, conditions, mappings and resources, with
 * intrinsic functions kept as {@link Intrinsic} values (short and long forms alike) and the
 * {@code Globals} section already merged into each serverless resource, as SAM does on deploy.
 */
public final class Template {

    public static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";
    public static final String SERVERLESS_HTTP_API = "AWS::Serverless::HttpApi";
    public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
    public static final String SQS_QUEUE = "AWS::SQS::Queue";
    public static final String SECRETS_MANAGER_SECRET = "AWS::SecretsManager::Secret";
    public static final String SECRETS_MANAGER_ROTATION_SCHEDULE = "AWS::SecretsManager::RotationSchedule";
    public static final String LAMBDA_PERMISSION = "AWS::Lambda::Permission";

    /** A template parameter as declared; its value comes from {@link StackParameters}. */
    public record Parameter(String name, String type, String defaultValue, List<String> allowedValues) {
        /** {@code CommaDelimitedList} and {@code List<...>} parameters resolve to lists. */
        public boolean isList() {
            return type.equals("CommaDelimitedList") || type.startsWith("List<");
        }
    }

    /** A resource as declared: its properties may still hold intrinsics. */
    public record Resource(String logicalId, String type, Map<String, Object> properties, String condition) {}

    private final Map<String, Parameter> parameters;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final Map<String, Resource> resources;
    private final Map<String, Object> outputs;
    private final Map<String, Object> globals;

    private Template(Map<String, Parameter> parameters, Map<String, Object> conditions, Map<String, Object> mappings,
                     Map<String, Resource> resources, Map<String, Object> outputs, Map<String, Object> globals) {
        this.globals = globals;
        this.parameters = parameters;
        this.conditions = conditions;
        this.mappings = mappings;
        this.resources = resources;
        this.outputs = outputs;
    }

    public static Template load(Path path) {
        try {
            return parse(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template " + path.toAbsolutePath(), e);
        }
    }

    public static Template parse(String yaml) {
        Object root = longFormsToIntrinsics(new Yaml(new TemplateConstructor()).load(yaml));
        if (!(root instanceof Map<?, ?> document)) {
            throw new IllegalArgumentException("a template is a YAML mapping");
        }
        Map<String, Object> globals = section(document, "Globals");
        Map<String, Resource> resources = new LinkedHashMap<>();
        section(document, "Resources").forEach((logicalId, declaration) -> {
            Map<String, Object> body = asMap(declaration, "resource " + logicalId);
            String type = (String) body.get("Type");
            if (type == null) {
                throw new IllegalArgumentException("resource " + logicalId + " has no Type");
            }
            Map<String, Object> properties = asMap(body.getOrDefault("Properties", Map.of()), logicalId + ".Properties");
            Object global = type.startsWith("AWS::Serverless::")
                    ? globals.get(type.substring("AWS::Serverless::".length())) : null;
            if (global != null) {
                properties = mergeGlobals(asMap(global, "Globals"), properties);
            }
            resources.put(logicalId, new Resource(logicalId, type, Collections.unmodifiableMap(properties),
                    (String) body.get("Condition")));
        });
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        section(document, "Parameters").forEach((name, declaration) -> {
            Map<String, Object> body = asMap(declaration, "parameter " + name);
            Object defaultValue = body.get("Default");
            List<String> allowed = new ArrayList<>();
            if (body.get("AllowedValues") instanceof List<?> values) {
                values.forEach(value -> allowed.add(String.valueOf(value)));
            }
            parameters.put(name, new Parameter(name, String.valueOf(body.getOrDefault("Type", "String")),
                    defaultValue == null ? null : String.valueOf(defaultValue), List.copyOf(allowed)));
        });
        return new Template(Collections.unmodifiableMap(parameters), section(document, "Conditions"),
                section(document, "Mappings"), Collections.unmodifiableMap(resources), section(document, "Outputs"), globals);
    }

    /** The Globals section as written (each serverless resource's properties already hold it merged). */
    public Map<String, Object> globals() {
        return globals;
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Map<String, Object> conditions() {
        return conditions;
    }

    public Map<String, Object> mappings() {
        return mappings;
    }

    /** Resources by logical id, in template order. */
    public Map<String, Resource> resources() {
        return resources;
    }

    public Map<String, Object> outputs() {
        return outputs;
    }

    public List<Resource> resourcesOfType(String type) {
        return resources.values().stream().filter(resource -> resource.type().equals(type)).toList();
    }

    public Resource resource(String logicalId) {
        Resource resource = resources.get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("no resource " + logicalId + " in the template");
        }
        return resource;
    }

    /**
     * SAM's Globals rules: maps merge key by key (the resource wins), lists are global entries
     * followed by the resource's, anything else the resource overrides.
     */
    static Map<String, Object> mergeGlobals(Map<String, Object> global, Map<String, Object> local) {
        Map<String, Object> merged = new LinkedHashMap<>(global);
        local.forEach((key, value) -> merged.merge(key, value, (fromGlobal, fromLocal) -> {
            if (fromGlobal instanceof Map<?, ?> && fromLocal instanceof Map<?, ?>) {
                return mergeGlobals(asMap(fromGlobal, key), asMap(fromLocal, key));
            }
            if (fromGlobal instanceof List<?> globalList && fromLocal instanceof List<?> localList) {
                List<Object> joined = new ArrayList<>(globalList);
                joined.addAll(localList);
                return joined;
            }
            return fromLocal;
        }));
        return merged;
    }

    /** Turns {@code {"Ref": X}} and {@code {"Fn::Xxx": ...}} maps into {@link Intrinsic}s, everywhere in the tree. */
    private static Object longFormsToIntrinsics(Object node) {
        return switch (node) {
            case Map<?, ?> map when map.size() == 1 && isLongForm(map) -> {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String function = (String) only.getKey();
                Object argument = longFormsToIntrinsics(only.getValue());
                if (function.equals(Intrinsic.GET_ATT) && argument instanceof String dotted) {
                    argument = TemplateConstructor.splitGetAtt(dotted);
                }
                yield new Intrinsic(function, argument);
            }
            case Map<?, ?> map -> {
                Map<String, Object> converted = new LinkedHashMap<>();
                map.forEach((key, value) -> converted.put(String.valueOf(key), longFormsToIntrinsics(value)));
                yield converted;
            }
            case List<?> list -> list.stream().map(Template::longFormsToIntrinsics).toList();
            case Intrinsic intrinsic -> new Intrinsic(intrinsic.function(), longFormsToIntrinsics(intrinsic.argument()));
            case null -> null;
            default -> node;
        };
    }

    private static boolean isLongForm(Map<?, ?> map) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        if (!(only.getKey() instanceof String key)) {
            return false;
        }
        // {"Condition": "Name"} is the long form of !Condition; an IAM statement's Condition is a map
        return Intrinsic.isLongFormName(key) || (key.equals(Intrinsic.CONDITION) && only.getValue() instanceof String);
    }

    private static Map<String, Object> section(Map<?, ?> document, String name) {
        Object section = document.get(name);
        return section == null ? Map.of() : Collections.unmodifiableMap(asMap(section, name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(what + " should be a mapping, got: " + value);
    }
}
