package dev.onsale.localstack.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DynamoDB's and DynamoDB Streams' calls (JSON protocol: {@code X-Amz-Target: DynamoDB_20120810.GetItem},
 * {@code DynamoDBStreams_20120810.GetRecords}) as IAM authorizes them: the operation's action on the table
 * it names, on {@code table/T/index/I} for a Query or Scan of an index, on every table of a batch, and per
 * item of a transaction the action of that item ({@code Put} needs {@code dynamodb:PutItem},
 * {@code ConditionCheck} {@code dynamodb:ConditionCheckItem}, a transactional {@code Get}
 * {@code dynamodb:GetItem}); PartiQL statements need {@code dynamodb:PartiQLSelect} and its siblings.
 */
final class DynamoDbRequests implements ServiceRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TARGET_PREFIXES = Set.of("DynamoDB_20120810", "DynamoDBStreams_20120810");
    /** Calls DynamoDB answers without asking IAM. */
    private static final Set<String> UNAUTHORIZED = Set.of("DescribeEndpoints");
    private static final Map<String, String> TRANSACT_WRITE_ACTIONS = Map.of(
            "Put", "PutItem", "Update", "UpdateItem", "Delete", "DeleteItem", "ConditionCheck", "ConditionCheckItem");
    private static final Pattern PARTIQL = Pattern.compile(
            "^\\s*(SELECT\\b.*?\\bFROM|INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(\"[^\"]+\"|[A-Za-z0-9_.-]+)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STREAM_ARN = Pattern.compile("arn:aws[a-z-]*:dynamodb:[^:|\\s]*:[^:|\\s]*:table/[^/|\\s]+/stream/[^|\\s]+");

    private final ResourceArns arns;

    DynamoDbRequests(ResourceArns arns) {
        this.arns = arns;
    }

    @Override
    public List<AccessRequest> required(Function<String, String> header, byte[] body) {
        String target = header.apply("X-Amz-Target");
        if (target == null || target.indexOf('.') < 0 || !TARGET_PREFIXES.contains(target.substring(0, target.indexOf('.')))) {
            return List.of();
        }
        String operation = target.substring(target.indexOf('.') + 1);
        if (UNAUTHORIZED.contains(operation)) {
            return List.of();
        }
        JsonNode request;
        try {
            request = body.length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(body);
        } catch (IOException malformed) {
            return List.of(); // DynamoDB refuses it (SerializationException) before anything is authorized
        }
        return required(operation, request == null ? JsonNodeFactory.instance.objectNode() : request);
    }

    List<AccessRequest> required(String operation, JsonNode request) {
        String action = "dynamodb:" + operation;
        return switch (operation) {
            case "Query", "Scan" -> {
                String table = request.path("TableName").asText("");
                String index = request.path("IndexName").asText("");
                yield List.of(new AccessRequest(action, index.isEmpty() ? arns.table(table) : arns.index(table, index)));
            }
            case "BatchGetItem", "BatchWriteItem" -> {
                List<AccessRequest> needed = new ArrayList<>();
                request.path("RequestItems").fieldNames().forEachRemaining(table -> needed.add(new AccessRequest(action, arns.table(table))));
                yield needed;
            }
            case "TransactWriteItems", "TransactGetItems" -> transactionItems(request.path("TransactItems"));
            case "GetRecords" -> List.of(new AccessRequest(action, streamOfIterator(request.path("ShardIterator").asText(""))));
            case "ExecuteStatement" -> List.of(partiQl(request.path("Statement").asText("")));
            case "BatchExecuteStatement", "ExecuteTransaction" -> {
                Set<AccessRequest> needed = new LinkedHashSet<>();
                request.path(operation.equals("ExecuteTransaction") ? "TransactStatements" : "Statements")
                        .forEach(statement -> needed.add(partiQl(statement.path("Statement").asText(""))));
                yield List.copyOf(needed);
            }
            default -> List.of(new AccessRequest(action, namedResource(request)));
        };
    }

    private List<AccessRequest> transactionItems(JsonNode items) {
        Set<AccessRequest> needed = new LinkedHashSet<>();
        for (JsonNode item : items) {
            for (Iterator<Map.Entry<String, JsonNode>> kinds = item.fields(); kinds.hasNext(); ) {
                Map.Entry<String, JsonNode> kind = kinds.next();
                String action = kind.getKey().equals("Get") ? "GetItem" : TRANSACT_WRITE_ACTIONS.get(kind.getKey());
                if (action != null) {
                    needed.add(new AccessRequest("dynamodb:" + action, arns.table(kind.getValue().path("TableName").asText(""))));
                }
            }
        }
        return List.copyOf(needed);
    }

    private AccessRequest partiQl(String statement) {
        Matcher matcher = PARTIQL.matcher(statement);
        if (!matcher.find()) {
            return new AccessRequest("dynamodb:PartiQLSelect", "*");
        }
        String verb = matcher.group(1).trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
        String table = matcher.group(2).replace("\"", "");
        int dot = table.indexOf('.');
        String action = switch (verb) {
            case "INSERT" -> "PartiQLInsert";
            case "UPDATE" -> "PartiQLUpdate";
            case "DELETE" -> "PartiQLDelete";
            default -> "PartiQLSelect";
        };
        return new AccessRequest("dynamodb:" + action, dot < 0 ? arns.table(table) : arns.index(table.substring(0, dot), table.substring(dot + 1)));
    }

    /** A call's resource: its stream, its table (by name or ARN), its ARN-named resource, else all ({@code *}). */
    private String namedResource(JsonNode request) {
        if (request.hasNonNull("StreamArn")) {
            return arns.canonical(request.get("StreamArn").asText());
        }
        if (request.hasNonNull("TableName")) {
            return arns.table(request.get("TableName").asText());
        }
        if (request.hasNonNull("ResourceArn")) {
            return arns.canonical(request.get("ResourceArn").asText());
        }
        return "*";
    }

    /** The stream a shard iterator reads, where the iterator names it (DynamoDB Local's do); else {@code *}. */
    private String streamOfIterator(String iterator) {
        Matcher matcher = STREAM_ARN.matcher(iterator);
        return matcher.find() ? arns.canonical(matcher.group()) : "*";
    }

    @Override
    public Answer denial(Function<String, String> header, FunctionRole role, String accountId, AccessRequest refused,
                         Decision decision, String requestId) {
        ObjectNode error = JsonNodeFactory.instance.objectNode()
                .put("__type", "com.amazon.coral.service#AccessDeniedException")
                .put("Message", role.denialMessage(accountId, refused.action(), refused.resource(), decision));
        return new Answer(400, Map.of("Content-Type", "application/x-amz-json-1.0", "x-amzn-RequestId", requestId),
                error.toString().getBytes(StandardCharsets.UTF_8));
    }
}
