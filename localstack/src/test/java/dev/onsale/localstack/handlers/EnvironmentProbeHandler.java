package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import java.util.TreeMap;

/** Reads its environment the way the functions do, in its constructor, and answers with what it saw. */
public class EnvironmentProbeHandler implements RequestHandler<Map<String, Object>, Map<String, String>> {

    private static final String[] NAMES = {
        "SHARED", "GREETING", "DEAD_LETTER_ARN", "JOINED", "SELECTED", "CHOSEN", "QUEUE_NAME", "TABLE_ARN",
        "SECURITY_GROUP", "ITEMS_TABLE", "WORK_QUEUE_URL", "CACHE_HOST", "CACHE_PORT", "AWS_REGION",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", "SECRET_ARN"};

    private final Map<String, String> seenAtConstruction = new TreeMap<>();

    public EnvironmentProbeHandler() {
        for (String name : NAMES) {
            String value = System.getProperty("lambda.env." + name);
            if (value != null) {
                seenAtConstruction.put(name, value);
            }
        }
    }

    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        return seenAtConstruction;
    }
}
