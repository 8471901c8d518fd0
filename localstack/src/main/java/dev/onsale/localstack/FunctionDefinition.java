package dev.onsale.localstack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code AWS::Serverless::Function} of the template (Globals already merged), with its intrinsics
 * resolved: handler, memory, timeout, environment variables and the events that trigger it.
 */
record FunctionDefinition(String logicalId, String functionName, String handler, String runtime, int memorySizeMb,
                          int timeoutSeconds, Map<String, String> variables, List<HttpApiEvent> httpApiEvents,
                          List<SqsEventSource> sqsEventSources, List<DynamoDbEventSource> dynamoDbEventSources) {

    /**
     * An {@code HttpApi} event. A null path means the {@code $default} route.
     *
     * @param apiLogicalId the HttpApi resource named by ApiId (null for SAM's implicit API)
     * @param authorizer   the event's Auth.Authorizer (null: the API's default authorizer; "NONE": none)
     */
    record HttpApiEvent(String eventName, String method, String path, String apiLogicalId, String authorizer,
                        List<String> authorizationScopes) {
        boolean isDefaultRoute() {
            return path == null;
        }
    }

    /** An {@code SQS} event source mapping, with Lambda's defaults. */
    record SqsEventSource(String eventName, String queueArn, int batchSize, int maximumBatchingWindowSeconds,
                          boolean reportBatchItemFailures, boolean enabled) {}

    /** Where a stream event source mapping starts reading a stream. */
    enum StartingPosition { TRIM_HORIZON, LATEST }

    /**
     * A {@code DynamoDB} (stream) event source mapping, with Lambda's defaults.
     *
     * @param maximumRetryAttempts          -1: retry until the records expire
     * @param maximumRecordAgeSeconds       -1: no age limit
     * @param onFailureDestinationArn       DestinationConfig.OnFailure.Destination, where discarded batches are
     *                                      described; null for none
     * @param parallelizationFactor         accepted; each shard is read by one sequence of batches locally
     */
    record DynamoDbEventSource(String eventName, String streamArn, StartingPosition startingPosition, int batchSize,
                               int maximumBatchingWindowSeconds, boolean reportBatchItemFailures,
                               boolean bisectBatchOnFunctionError, int maximumRetryAttempts, int maximumRecordAgeSeconds,
                               String onFailureDestinationArn, boolean enabled, int parallelizationFactor,
                               EventFilter filter) {}

    private static final Logger log = LoggerFactory.getLogger(FunctionDefinition.class);

    static FunctionDefinition from(Template.Resource resource, IntrinsicEvaluator evaluator, String stackName) {
        Map<String, Object> raw = resource.properties();
        String logicalId = resource.logicalId();
        Map<String, Object> scalarValues = new LinkedHashMap<>();
        for (String key : new String[] {"FunctionName", "Handler", "Runtime", "MemorySize", "Timeout"}) {
            if (raw.get(key) != null) {
                scalarValues.put(key, evaluator.evaluateToString(raw.get(key)));
            }
        }
        ResourceProperties scalars = ResourceProperties.of(logicalId, scalarValues);
        if (!scalars.has("Handler")) {
            throw new IllegalArgumentException("function " + logicalId + " has no Handler");
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (raw.get("Environment") instanceof Map<?, ?> environment && environment.get("Variables") instanceof Map<?, ?> declared) {
            declared.forEach((name, value) -> {
                String resolved = evaluator.evaluateToString(value);
                variables.put(String.valueOf(name), resolved == null ? "" : resolved);
            });
        }
        variables.putAll(loggingVariables(raw.get("LoggingConfig"), evaluator));
        List<HttpApiEvent> httpApiEvents = new ArrayList<>();
        List<SqsEventSource> sqsEventSources = new ArrayList<>();
        List<DynamoDbEventSource> dynamoDbEventSources = new ArrayList<>();
        if (raw.get("Events") instanceof Map<?, ?> events) {
            events.forEach((name, declaration) -> {
                Map<String, Object> event = Template.asMap(declaration, logicalId + ".Events." + name);
                String type = String.valueOf(event.get("Type"));
                Map<String, Object> eventProperties = event.get("Properties") == null
                        ? Map.of() : Template.asMap(event.get("Properties"), logicalId + ".Events." + name);
                switch (type) {
                    case "HttpApi" -> httpApiEvents.add(httpApiEvent(String.valueOf(name), eventProperties, evaluator));
                    case "SQS" -> sqsEventSources.add(sqsEventSource(String.valueOf(name), eventProperties, evaluator));
                    case "DynamoDB" -> dynamoDbEventSources.add(dynamoDbEventSource(logicalId, String.valueOf(name),
                            eventProperties, evaluator));
                    default -> log.info("{}: event {} of type {} has no local trigger", logicalId, name, type);
                }
            });
        }
        return new FunctionDefinition(logicalId,
                scalars.string("FunctionName", stackName + "-" + logicalId),
                scalars.string("Handler"),
                scalars.string("Runtime"),
                (int) scalars.number("MemorySize", 128),
                (int) scalars.number("Timeout", 3),
                Map.copyOf(variables), List.copyOf(httpApiEvents), List.copyOf(sqsEventSources),
                List.copyOf(dynamoDbEventSources));
    }

    /**
     * What Lambda tells a function of its {@code LoggingConfig}: with the JSON log format it sets
     * {@code AWS_LAMBDA_LOG_FORMAT} and {@code AWS_LAMBDA_LOG_LEVEL} (the application log level, INFO
     * unless set), which a function reads to filter its own lines. Reserved names: they win over
     * the template's variables, as on Lambda. The text format has no application log level.
     */
    static Map<String, String> loggingVariables(Object loggingConfig, IntrinsicEvaluator evaluator) {
        if (!(loggingConfig instanceof Map<?, ?> logging)) {
            return Map.of();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        // a log group of the function's own (LoggingConfig.LogGroup) is the one Lambda names to it
        String logGroup = logging.get("LogGroup") == null ? null : evaluator.evaluateToString(logging.get("LogGroup"));
        if (logGroup != null) {
            variables.put("AWS_LAMBDA_LOG_GROUP_NAME", logGroup);
        }
        String format = logging.get("LogFormat") == null ? "Text" : evaluator.evaluateToString(logging.get("LogFormat"));
        if ("JSON".equals(format)) {
            String level = logging.get("ApplicationLogLevel") == null ? "INFO" : evaluator.evaluateToString(logging.get("ApplicationLogLevel"));
            variables.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            variables.put("AWS_LAMBDA_LOG_LEVEL", level.toUpperCase(Locale.ROOT));
        }
        return variables;
    }

    /** {@code a.b.C::method} or {@code a.b.C} (method handleRequest). */
    String handlerClassName() {
        int separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }

    String handlerMethodName() {
        int separator = handler.indexOf("::");
        return separator < 0 ? "handleRequest" : handler.substring(separator + 2);
    }

    private static HttpApiEvent httpApiEvent(String name, Map<String, Object> raw, IntrinsicEvaluator evaluator) {
        ResourceProperties properties = ResourceProperties.of(name, evaluator.evaluate(raw));
        String path = properties.string("Path");
        String method = properties.string("Method");
        if (path == null || path.equals("$default")) {
            path = null;
            method = "ANY";
        } else {
            method = method == null || method.equals("*") ? "ANY" : method.toUpperCase(Locale.ROOT);
        }
        String apiLogicalId = raw.get("ApiId") instanceof Intrinsic(String function, Object argument)
                && function.equals(Intrinsic.REF) ? String.valueOf(argument) : null;
        ResourceProperties auth = properties.nested("Auth");
        String version = properties.string("PayloadFormatVersion", "2.0");
        if (!version.equals("2.0")) {
            log.warn("event {}: PayloadFormatVersion {} is not served locally; the function gets payload 2.0", name, version);
        }
        return new HttpApiEvent(name, method, path, apiLogicalId, auth.string("Authorizer"),
                auth.strings("AuthorizationScopes"));
    }

    private static SqsEventSource sqsEventSource(String name, Map<String, Object> raw, IntrinsicEvaluator evaluator) {
        ResourceProperties properties = ResourceProperties.of(name, evaluator.evaluate(raw));
        String queueArn = properties.string("Queue");
        if (queueArn == null) {
            throw new IllegalArgumentException("SQS event " + name + " has no Queue");
        }
        return new SqsEventSource(name, queueArn,
                (int) properties.number("BatchSize", 10),
                (int) properties.number("MaximumBatchingWindowInSeconds", 0),
                properties.strings("FunctionResponseTypes").contains("ReportBatchItemFailures"),
                properties.bool("Enabled", true));
    }

    private static DynamoDbEventSource dynamoDbEventSource(String logicalId, String name, Map<String, Object> raw,
                                                           IntrinsicEvaluator evaluator) {
        ResourceProperties properties = ResourceProperties.of(name, evaluator.evaluate(raw));
        String streamArn = properties.string("Stream");
        if (streamArn == null) {
            throw new IllegalArgumentException("DynamoDB event " + name + " has no Stream");
        }
        String position = properties.string("StartingPosition");
        if (position == null || !List.of("TRIM_HORIZON", "LATEST").contains(position)) {
            throw new IllegalArgumentException("DynamoDB event " + name + " wants StartingPosition TRIM_HORIZON or LATEST, got " + position);
        }
        if (properties.has("TumblingWindowInSeconds")) {
            log.warn("{}: event {}: TumblingWindowInSeconds is not applied locally", logicalId, name);
        }
        List<String> patterns = properties.nested("FilterCriteria").list("Filters").stream()
                .map(filter -> filter.string("Pattern")).toList();
        return new DynamoDbEventSource(name, streamArn, StartingPosition.valueOf(position),
                (int) properties.number("BatchSize", 100),
                (int) properties.number("MaximumBatchingWindowInSeconds", 0),
                properties.strings("FunctionResponseTypes").contains("ReportBatchItemFailures"),
                properties.bool("BisectBatchOnFunctionError", false),
                (int) properties.number("MaximumRetryAttempts", -1),
                (int) properties.number("MaximumRecordAgeInSeconds", -1),
                properties.nested("DestinationConfig").nested("OnFailure").string("Destination"),
                properties.bool("Enabled", true),
                (int) properties.number("ParallelizationFactor", 1),
                EventFilter.of(logicalId + ".Events." + name, patterns));
    }
}
