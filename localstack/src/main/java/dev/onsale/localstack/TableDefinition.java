package dev.onsale.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * An {@code AWS::DynamoDB::Table} of the template as a CreateTable request (keys, attributes, billing,
 * GSIs, LSIs, stream) plus its TTL attribute. Properties with no local effect (point-in-time recovery,
 * encryption, tags, deletion protection) are left out.
 */
record TableDefinition(String logicalId, CreateTableRequest request, String ttlAttribute) {

    private static final Logger log = LoggerFactory.getLogger(TableDefinition.class);

    /** TableName if the template gives one, else {@code <StackName>-<LogicalId>}. */
    static String physicalName(Template.Resource resource, IntrinsicEvaluator evaluator, String stackName) {
        String name = evaluator.evaluateToString(resource.properties().get("TableName"));
        return name != null ? name : stackName + "-" + resource.logicalId();
    }

    static TableDefinition from(Template.Resource resource, IntrinsicEvaluator evaluator, String stackName) {
        ResourceProperties properties = ResourceProperties.of(resource.logicalId(), evaluator.evaluate(resource.properties()));
        BillingMode billing = BillingMode.fromValue(properties.string("BillingMode", BillingMode.PROVISIONED.toString()));
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(physicalName(resource, evaluator, stackName))
                .billingMode(billing)
                .attributeDefinitions(properties.list("AttributeDefinitions").stream()
                        .map(attribute -> AttributeDefinition.builder()
                                .attributeName(attribute.string("AttributeName"))
                                .attributeType(attribute.string("AttributeType"))
                                .build())
                        .toList())
                .keySchema(keySchema(properties));
        if (billing == BillingMode.PROVISIONED) {
            request.provisionedThroughput(throughput(properties));
        }
        List<GlobalSecondaryIndex> globalIndexes = properties.list("GlobalSecondaryIndexes").stream()
                .map(index -> {
                    GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                            .indexName(index.string("IndexName"))
                            .keySchema(keySchema(index))
                            .projection(projection(index));
                    if (billing == BillingMode.PROVISIONED) {
                        gsi.provisionedThroughput(throughput(index));
                    }
                    return gsi.build();
                })
                .toList();
        if (!globalIndexes.isEmpty()) {
            request.globalSecondaryIndexes(globalIndexes);
        }
        List<LocalSecondaryIndex> localIndexes = properties.list("LocalSecondaryIndexes").stream()
                .map(index -> LocalSecondaryIndex.builder()
                        .indexName(index.string("IndexName"))
                        .keySchema(keySchema(index))
                        .projection(projection(index))
                        .build())
                .toList();
        if (!localIndexes.isEmpty()) {
            request.localSecondaryIndexes(localIndexes);
        }
        if (properties.has("StreamSpecification")) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(properties.nested("StreamSpecification").string("StreamViewType"))
                    .build());
        }
        ResourceProperties ttl = properties.nested("TimeToLiveSpecification");
        String ttlAttribute = ttl.bool("Enabled", false) ? ttl.string("AttributeName") : null;
        return new TableDefinition(resource.logicalId(), request.build(), ttlAttribute);
    }

    String tableName() {
        return request.tableName();
    }

    String arn(String region) {
        return "arn:aws:dynamodb:" + region + ":" + StackParameters.ACCOUNT_ID + ":table/" + tableName();
    }

    /**
     * Creates the table (an existing one is kept as it is, e.g. made by a LocalStack init hook), then its TTL.
     *
     * @return the ARN of the table's latest stream, as CreateTable or DescribeTable gives it; null without one
     */
    String createIn(DynamoDbClient dynamoDb) {
        TableDescription table;
        try {
            table = dynamoDb.createTable(request).tableDescription();
            log.debug("created table {} for {}", tableName(), logicalId);
        } catch (ResourceInUseException exists) {
            log.info("table {} for {} already exists; keeping it", tableName(), logicalId);
            table = dynamoDb.describeTable(describe -> describe.tableName(tableName())).table();
            if (request.streamSpecification() != null && table.latestStreamArn() == null) {
                log.warn("table {} for {} has no stream, though the template declares one", tableName(), logicalId);
            }
        }
        if (ttlAttribute != null) {
            dynamoDb.waiter().waitUntilTableExists(describe -> describe.tableName(tableName()));
            dynamoDb.updateTimeToLive(update -> update.tableName(tableName())
                    .timeToLiveSpecification(spec -> spec.enabled(true).attributeName(ttlAttribute)));
        }
        return table.latestStreamArn();
    }

    /** The CreateTable request as the AWS CLI's {@code --cli-input-json} wants it. */
    ObjectNode toCliInputJson(ObjectMapper json) {
        ObjectNode input = json.createObjectNode();
        input.put("TableName", tableName());
        ArrayNode attributes = input.putArray("AttributeDefinitions");
        request.attributeDefinitions().forEach(attribute -> attributes.addObject()
                .put("AttributeName", attribute.attributeName())
                .put("AttributeType", attribute.attributeTypeAsString()));
        keySchemaJson(input.putArray("KeySchema"), request.keySchema());
        input.put("BillingMode", request.billingModeAsString());
        if (request.provisionedThroughput() != null) {
            throughputJson(input, request.provisionedThroughput());
        }
        if (request.hasGlobalSecondaryIndexes()) {
            ArrayNode indexes = input.putArray("GlobalSecondaryIndexes");
            for (GlobalSecondaryIndex index : request.globalSecondaryIndexes()) {
                ObjectNode node = indexes.addObject().put("IndexName", index.indexName());
                keySchemaJson(node.putArray("KeySchema"), index.keySchema());
                projectionJson(node, index.projection());
                if (index.provisionedThroughput() != null) {
                    throughputJson(node, index.provisionedThroughput());
                }
            }
        }
        if (request.hasLocalSecondaryIndexes()) {
            ArrayNode indexes = input.putArray("LocalSecondaryIndexes");
            for (LocalSecondaryIndex index : request.localSecondaryIndexes()) {
                ObjectNode node = indexes.addObject().put("IndexName", index.indexName());
                keySchemaJson(node.putArray("KeySchema"), index.keySchema());
                projectionJson(node, index.projection());
            }
        }
        if (request.streamSpecification() != null) {
            input.putObject("StreamSpecification")
                    .put("StreamEnabled", true)
                    .put("StreamViewType", request.streamSpecification().streamViewTypeAsString());
        }
        return input;
    }

    private static List<KeySchemaElement> keySchema(ResourceProperties owner) {
        return owner.list("KeySchema").stream()
                .map(key -> KeySchemaElement.builder()
                        .attributeName(key.string("AttributeName"))
                        .keyType(key.string("KeyType"))
                        .build())
                .toList();
    }

    private static Projection projection(ResourceProperties index) {
        ResourceProperties projection = index.nested("Projection");
        Projection.Builder builder = Projection.builder().projectionType(projection.string("ProjectionType", "KEYS_ONLY"));
        List<String> nonKeyAttributes = projection.strings("NonKeyAttributes");
        if (!nonKeyAttributes.isEmpty()) {
            builder.nonKeyAttributes(nonKeyAttributes);
        }
        return builder.build();
    }

    private static ProvisionedThroughput throughput(ResourceProperties owner) {
        ResourceProperties throughput = owner.nested("ProvisionedThroughput");
        return ProvisionedThroughput.builder()
                .readCapacityUnits(throughput.number("ReadCapacityUnits", 5))
                .writeCapacityUnits(throughput.number("WriteCapacityUnits", 5))
                .build();
    }

    private static void keySchemaJson(ArrayNode target, List<KeySchemaElement> keys) {
        keys.forEach(key -> target.addObject()
                .put("AttributeName", key.attributeName())
                .put("KeyType", key.keyTypeAsString()));
    }

    private static void projectionJson(ObjectNode index, Projection projection) {
        ObjectNode node = index.putObject("Projection").put("ProjectionType", projection.projectionTypeAsString());
        if (projection.hasNonKeyAttributes()) {
            ArrayNode attributes = node.putArray("NonKeyAttributes");
            projection.nonKeyAttributes().forEach(attributes::add);
        }
    }

    private static void throughputJson(ObjectNode owner, ProvisionedThroughput throughput) {
        owner.putObject("ProvisionedThroughput")
                .put("ReadCapacityUnits", throughput.readCapacityUnits())
                .put("WriteCapacityUnits", throughput.writeCapacityUnits());
    }
}
