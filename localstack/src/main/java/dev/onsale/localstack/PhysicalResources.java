package dev.onsale.localstack;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local physical values of the template's resources: what the stand-ins created (table names,
 * queue URLs and ARNs, the Redis endpoint) and harmless placeholders ({@code local-<LogicalId>}) for
 * everything that has no local meaning (security groups, IAM roles, the HTTP API itself, ...).
 */
final class PhysicalResources implements ResourceAttributes {

    private static final Logger log = LoggerFactory.getLogger(PhysicalResources.class);

    private record Physical(String ref, Map<String, String> attributes) {}

    private final Template template;
    private final Map<String, Physical> created = new ConcurrentHashMap<>();

    PhysicalResources(Template template) {
        this.template = template;
    }

    void register(String logicalId, String ref, Map<String, String> attributes) {
        created.put(logicalId, new Physical(ref, Map.copyOf(attributes)));
    }

    @Override
    public String ref(String logicalId) {
        Physical physical = created.get(logicalId);
        if (physical != null) {
            return physical.ref();
        }
        if (!template.resources().containsKey(logicalId)) {
            // SAM adds resources of its own (roles, aliases, ServerlessHttpApi) that a template may name
            log.debug("Ref {}: not a resource of the template; using a placeholder", logicalId);
        }
        return "local-" + logicalId;
    }

    @Override
    public String attribute(String logicalId, String attribute) {
        Physical physical = created.get(logicalId);
        if (physical != null && physical.attributes().containsKey(attribute)) {
            return physical.attributes().get(attribute);
        }
        return "local-" + logicalId + "-" + attribute;
    }
}
