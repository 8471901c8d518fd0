package dev.onsale.localstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * An {@code AWS::SQS::Queue} of the template as a queue name and CreateQueue attributes. Its
 * RedrivePolicy names the dead-letter queue by ARN, so that queue must be created (and registered) first.
 */
record QueueDefinition(String logicalId, String queueName, Map<String, String> attributes) {

    /** Where a created queue lives: {@code Ref} gives the URL, {@code GetAtt Arn} the ARN. */
    record CreatedQueue(String url, String arn) {}

    private static final Logger log = LoggerFactory.getLogger(QueueDefinition.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> PLAIN_ATTRIBUTES = Map.of(
            "DelaySeconds", "DelaySeconds",
            "VisibilityTimeout", "VisibilityTimeout",
            "MessageRetentionPeriod", "MessageRetentionPeriod",
            "ReceiveMessageWaitTimeSeconds", "ReceiveMessageWaitTimeSeconds",
            "MaximumMessageSize", "MaximumMessageSize",
            "ContentBasedDeduplication", "ContentBasedDeduplication",
            "DeduplicationScope", "DeduplicationScope",
            "FifoThroughputLimit", "FifoThroughputLimit");

    static QueueDefinition from(Template.Resource resource, IntrinsicEvaluator evaluator, String stackName) {
        ResourceProperties properties = ResourceProperties.of(resource.logicalId(), evaluator.evaluate(resource.properties()));
        boolean fifo = properties.bool("FifoQueue", false);
        String name = properties.string("QueueName", stackName + "-" + resource.logicalId());
        if (fifo && !name.endsWith(".fifo")) {
            name = name + ".fifo";
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        PLAIN_ATTRIBUTES.forEach((property, attribute) -> {
            if (properties.has(property)) {
                attributes.put(attribute, properties.string(property));
            }
        });
        if (fifo) {
            attributes.put("FifoQueue", "true");
        }
        for (String policy : new String[] {"RedrivePolicy", "RedriveAllowPolicy"}) {
            Object value = properties.values().get(policy);
            if (value != null) {
                attributes.put(policy, value instanceof String text ? text : toJson(value));
            }
        }
        return new QueueDefinition(resource.logicalId(), name, Map.copyOf(attributes));
    }

    /**
     * Queues in an order where every queue comes after the queues it names (a dead-letter queue before
     * the queues that redrive to it).
     */
    static List<Template.Resource> inDependencyOrder(List<Template.Resource> queues) {
        Map<String, Template.Resource> pending = new LinkedHashMap<>();
        queues.forEach(queue -> pending.put(queue.logicalId(), queue));
        List<Template.Resource> ordered = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<Template.Resource> ready = pending.values().stream()
                    .filter(queue -> IntrinsicEvaluator.referencedLogicalIds(queue.properties()).stream()
                            .noneMatch(id -> !id.equals(queue.logicalId()) && pending.containsKey(id)))
                    .toList();
            if (ready.isEmpty()) {
                throw new IllegalArgumentException("queues refer to each other in a cycle: " + pending.keySet());
            }
            ready.forEach(queue -> {
                ordered.add(queue);
                pending.remove(queue.logicalId());
            });
        }
        return ordered;
    }

    /** Creates the queue; a queue of that name with other attributes (an earlier run) gets these attributes. */
    CreatedQueue createIn(SqsClient sqs) {
        String url;
        try {
            url = sqs.createQueue(create -> create.queueName(queueName).attributesWithStrings(attributes)).queueUrl();
        } catch (QueueNameExistsException exists) {
            url = sqs.getQueueUrl(get -> get.queueName(queueName)).queueUrl();
            Map<String, String> settable = new LinkedHashMap<>(attributes);
            settable.remove("FifoQueue");
            String existingUrl = url;
            sqs.setQueueAttributes(set -> set.queueUrl(existingUrl).attributesWithStrings(settable));
            log.info("queue {} for {} already existed; updated its attributes", queueName, logicalId);
        }
        String queueUrl = url;
        String arn = sqs.getQueueAttributes(get -> get.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        log.debug("created queue {} for {}: {}", queueName, logicalId, queueUrl);
        return new CreatedQueue(queueUrl, arn);
    }

    /** The CreateQueue request as the AWS CLI's {@code --cli-input-json} wants it. */
    ObjectNode toCliInputJson(ObjectMapper json) {
        ObjectNode input = json.createObjectNode().put("QueueName", queueName);
        if (!attributes.isEmpty()) {
            ObjectNode attributesNode = input.putObject("Attributes");
            attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(attribute -> attributesNode.put(attribute.getKey(), attribute.getValue()));
        }
        return input;
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
        }
    }
}
