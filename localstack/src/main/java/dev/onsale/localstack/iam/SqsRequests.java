package dev.onsale.localstack.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * SQS's calls as IAM authorizes them: {@code sqs:<Operation>} on the queue the call names by URL (or by
 * name, for {@code GetQueueUrl} and {@code CreateQueue}), a batch needing its single action
 * ({@code SendMessageBatch} needs {@code sqs:SendMessage}). Both of SQS's protocols: JSON
 * ({@code X-Amz-Target: AmazonSQS.SendMessage}, which the SDK speaks) and the older query protocol
 * ({@code Action=SendMessage} in a form).
 *
 * <p>A refusal is what SQS answers: for JSON a 400 {@code AccessDeniedException} with the query protocol's
 * code in {@code x-amzn-query-error} ({@code AccessDenied;Sender}, which the SDK reports as the error code);
 * for the query protocol a 403 {@code AccessDenied}. SQS writes the action in lower case in the message.
 */
final class SqsRequests implements ServiceRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "AmazonSQS.";
    private static final Map<String, String> BATCH_ACTIONS = Map.of(
            "SendMessageBatch", "SendMessage", "DeleteMessageBatch", "DeleteMessage",
            "ChangeMessageVisibilityBatch", "ChangeMessageVisibility");

    private final ResourceArns arns;

    SqsRequests(ResourceArns arns) {
        this.arns = arns;
    }

    @Override
    public List<AccessRequest> required(Function<String, String> header, byte[] body) {
        String target = header.apply("X-Amz-Target");
        Map<String, String> fields = new HashMap<>();
        String operation;
        if (target != null && target.startsWith(TARGET_PREFIX)) {
            operation = target.substring(TARGET_PREFIX.length());
            try {
                JsonNode request = body.length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(body);
                for (String name : List.of("QueueUrl", "QueueName", "QueueOwnerAWSAccountId")) {
                    if (request != null && request.hasNonNull(name)) {
                        fields.put(name, request.get(name).asText());
                    }
                }
            } catch (IOException malformed) {
                return List.of(); // SQS refuses it before anything is authorized
            }
        } else {
            fields.putAll(form(body));
            operation = fields.get("Action");
            if (operation == null) {
                return List.of();
            }
        }
        return List.of(required(operation, fields));
    }

    AccessRequest required(String operation, Map<String, String> fields) {
        String action = "sqs:" + BATCH_ACTIONS.getOrDefault(operation, operation);
        String resource;
        if (fields.get("QueueUrl") != null) {
            resource = arns.queueByUrl(fields.get("QueueUrl"));
        } else if (fields.get("QueueName") != null) {
            resource = arns.queueByName(fields.get("QueueName"), fields.get("QueueOwnerAWSAccountId"));
        } else {
            resource = "*";
        }
        return new AccessRequest(action, resource);
    }

    @Override
    public Answer denial(Function<String, String> header, FunctionRole role, String accountId, AccessRequest refused,
                         Decision decision, String requestId) {
        String target = header.apply("X-Amz-Target");
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return queryDenial(role, accountId, refused, decision, requestId);
        }
        String message = role.denialMessage(accountId, refused.action().toLowerCase(Locale.ROOT), refused.resource(), decision);
        ObjectNode error = JsonNodeFactory.instance.objectNode()
                .put("__type", "com.amazon.coral.service#AccessDeniedException")
                .put("message", message);
        return new Answer(400, Map.of("Content-Type", "application/x-amz-json-1.0", "x-amzn-RequestId", requestId,
                "x-amzn-query-error", "AccessDenied;Sender"), error.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The query protocol's refusal, for a call made in a form. */
    private static Answer queryDenial(FunctionRole role, String accountId, AccessRequest refused, Decision decision, String requestId) {
        String message = role.denialMessage(accountId, refused.action().toLowerCase(Locale.ROOT), refused.resource(), decision);
        String xml = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error>"
                + "<Type>Sender</Type><Code>AccessDenied</Code><Message>" + escape(message) + "</Message><Detail/></Error>"
                + "<RequestId>" + requestId + "</RequestId></ErrorResponse>";
        return new Answer(403, Map.of("Content-Type", "text/xml", "x-amzn-RequestId", requestId), xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                try {
                    fields.putIfAbsent(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // left out: SQS refuses the form
                }
            }
        }
        return fields;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
