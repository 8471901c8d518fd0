package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsRequestsTest {

    private static final String URL = "http://127.0.0.1:9324/000000000000/Work";
    private static final String ARN = "arn:aws:sqs:us-east-1:000000000000:Work";

    private final ResourceArns arns = new ResourceArns("us-east-1", "000000000000");
    private final SqsRequests requests = new SqsRequests(arns);

    private List<AccessRequest> json(String operation, String body) {
        return requests.required(Map.of("X-Amz-Target", "AmazonSQS." + operation)::get, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCallNeedsItsActionOnTheQueueItsUrlNames() {
        assertEquals(List.of(new AccessRequest("sqs:SendMessage", ARN)),
                json("SendMessage", "{\"QueueUrl\": \"" + URL + "\", \"MessageBody\": \"x\"}"));
    }

    @Test
    void aQueueTheStackCreatedHasTheArnItWasGiven() {
        arns.registerQueue("http://127.0.0.1:9324/000000000000/Made", "arn:aws:sqs:elsewhere:000000000000:Made");

        assertEquals(List.of(new AccessRequest("sqs:ReceiveMessage", "arn:aws:sqs:elsewhere:000000000000:Made")),
                json("ReceiveMessage", "{\"QueueUrl\": \"http://127.0.0.1:9324/000000000000/Made\"}"));
        assertEquals(List.of(new AccessRequest("sqs:GetQueueUrl", "arn:aws:sqs:elsewhere:000000000000:Made")),
                json("GetQueueUrl", "{\"QueueName\": \"Made\"}"));
    }

    @Test
    void aBatchNeedsItsSingleAction() {
        assertEquals(List.of(new AccessRequest("sqs:SendMessage", ARN)), json("SendMessageBatch", "{\"QueueUrl\": \"" + URL + "\"}"));
        assertEquals(List.of(new AccessRequest("sqs:DeleteMessage", ARN)), json("DeleteMessageBatch", "{\"QueueUrl\": \"" + URL + "\"}"));
    }

    @Test
    void theQueryProtocolIsReadToo() {
        String form = "Action=SendMessage&QueueUrl=" + java.net.URLEncoder.encode(URL, StandardCharsets.UTF_8) + "&MessageBody=x";
        assertEquals(List.of(new AccessRequest("sqs:SendMessage", ARN)),
                requests.required(Map.<String, String>of()::get, form.getBytes(StandardCharsets.UTF_8)));
        assertTrue(requests.required(Map.<String, String>of()::get, "MessageBody=x".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void aRefusalIsSqsAccessDeniedInBothProtocols() throws Exception {
        FunctionRole role = new FunctionRole("Fn", "stack-Fn", "stack-FnRole-local", new IdentityPolicy(List.of()), TemporaryCredentials.issue());
        AccessRequest refused = new AccessRequest("sqs:SendMessage", ARN);

        ServiceRequests.Answer json = requests.denial(Map.of("X-Amz-Target", "AmazonSQS.SendMessage")::get, role, "000000000000",
                refused, Decision.EXPLICITLY_DENIED, "req-1");
        ServiceRequests.Answer query = requests.denial(Map.<String, String>of()::get, role, "000000000000", refused,
                Decision.IMPLICITLY_DENIED, "req-2");

        assertEquals(400, json.status());
        assertEquals("AccessDenied;Sender", json.headers().get("x-amzn-query-error"));
        JsonNode body = new ObjectMapper().readTree(json.body());
        assertEquals("com.amazon.coral.service#AccessDeniedException", body.get("__type").asText());
        assertEquals("User: arn:aws:sts::000000000000:assumed-role/stack-FnRole-local/stack-Fn is not authorized to perform: "
                + "sqs:sendmessage on resource: " + ARN + " with an explicit deny in an identity-based policy", body.get("message").asText());
        assertEquals(403, query.status());
        assertTrue(new String(query.body(), StandardCharsets.UTF_8).contains("<Code>AccessDenied</Code>"));
    }
}
