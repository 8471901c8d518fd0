package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoDbRequestsTest {

    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/";

    private final DynamoDbRequests requests = new DynamoDbRequests(new ResourceArns("us-east-1", "000000000000"));

    private List<AccessRequest> required(String operation, String json) {
        return requests.required(Map.of("X-Amz-Target", "DynamoDB_20120810." + operation)::get, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anItemCallNeedsItsActionOnItsTable() {
        assertEquals(List.of(new AccessRequest("dynamodb:GetItem", ARN + "Events")),
                required("GetItem", """
                        {"TableName": "Events", "Key": {"eventId": {"N": "1"}}}"""));
    }

    @Test
    void aTableNamedByItsArnIsThatTable() {
        assertEquals(List.of(new AccessRequest("dynamodb:PutItem", ARN + "Events")),
                required("PutItem", "{\"TableName\": \"" + ARN + "Events\", \"Item\": {}}"));
    }

    @Test
    void aQueryOfAnIndexNeedsTheIndex() {
        assertEquals(List.of(new AccessRequest("dynamodb:Query", ARN + "Bookings/index/byUser")),
                required("Query", """
                        {"TableName": "Bookings", "IndexName": "byUser", "KeyConditionExpression": "userId = :u"}"""));
        assertEquals(List.of(new AccessRequest("dynamodb:Scan", ARN + "Bookings")), required("Scan", "{\"TableName\": \"Bookings\"}"));
    }

    @Test
    void aBatchNeedsItsActionOnEveryTable() {
        assertEquals(List.of(new AccessRequest("dynamodb:BatchGetItem", ARN + "Events"), new AccessRequest("dynamodb:BatchGetItem", ARN + "Seats")),
                required("BatchGetItem", """
                        {"RequestItems": {"Events": {"Keys": []}, "Seats": {"Keys": []}}}"""));
    }

    @Test
    void aTransactionNeedsEachItemsOwnAction() {
        assertEquals(List.of(
                        new AccessRequest("dynamodb:UpdateItem", ARN + "Seats"),
                        new AccessRequest("dynamodb:PutItem", ARN + "Bookings"),
                        new AccessRequest("dynamodb:ConditionCheckItem", ARN + "Events"),
                        new AccessRequest("dynamodb:DeleteItem", ARN + "Holds")),
                required("TransactWriteItems", """
                        {"TransactItems": [
                          {"Update": {"TableName": "Seats", "Key": {}}},
                          {"Update": {"TableName": "Seats", "Key": {}}},
                          {"Put": {"TableName": "Bookings", "Item": {}}},
                          {"ConditionCheck": {"TableName": "Events", "Key": {}}},
                          {"Delete": {"TableName": "Holds", "Key": {}}}]}"""));
        assertEquals(List.of(new AccessRequest("dynamodb:GetItem", ARN + "Seats")),
                required("TransactGetItems", "{\"TransactItems\": [{\"Get\": {\"TableName\": \"Seats\", \"Key\": {}}}]}"));
    }

    @Test
    void streamCallsNeedTheirStream() {
        String stream = "arn:aws:dynamodb:ddblocal:000000000000:table/Seats/stream/2026-01-01T00:00:00.000";
        String seen = "arn:aws:dynamodb:us-east-1:000000000000:table/Seats/stream/2026-01-01T00:00:00.000";
        List<AccessRequest> describe = requests.required(Map.of("X-Amz-Target", "DynamoDBStreams_20120810.DescribeStream")::get,
                ("{\"StreamArn\": \"" + stream + "\"}").getBytes(StandardCharsets.UTF_8));
        List<AccessRequest> records = requests.required(Map.of("X-Amz-Target", "DynamoDBStreams_20120810.GetRecords")::get,
                ("{\"ShardIterator\": \"000|" + stream + "|c2hhcmQ=\"}").getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(new AccessRequest("dynamodb:DescribeStream", seen)), describe);
        assertEquals(List.of(new AccessRequest("dynamodb:GetRecords", seen)), records);
    }

    @Test
    void partiQlStatementsNeedTheirPartiQlAction() {
        assertEquals(List.of(new AccessRequest("dynamodb:PartiQLSelect", ARN + "Events")),
                required("ExecuteStatement", "{\"Statement\": \"SELECT * FROM \\\"Events\\\" WHERE eventId = 1\"}"));
        assertEquals(List.of(new AccessRequest("dynamodb:PartiQLUpdate", ARN + "Events")),
                required("ExecuteStatement", "{\"Statement\": \"UPDATE Events SET x = 1 WHERE eventId = 1\"}"));
    }

    @Test
    void callsThatAreNotDynamoDbsOrNotReadableAreLeftToTheService() {
        assertTrue(requests.required(Map.<String, String>of()::get, new byte[0]).isEmpty());
        assertTrue(required("GetItem", "{not json").isEmpty());
        assertTrue(required("DescribeEndpoints", "{}").isEmpty());
        assertEquals(List.of(new AccessRequest("dynamodb:ListTables", "*")), required("ListTables", "{}"));
    }

    @Test
    void aRefusalIsDynamoDbsAccessDeniedException() throws Exception {
        FunctionRole role = new FunctionRole("ListFn", "stack-ListFn", "stack-ListFnRole-local",
                new IdentityPolicy(List.of()), TemporaryCredentials.issue());

        ServiceRequests.Answer answer = requests.denial(Map.<String, String>of()::get, role, "000000000000",
                new AccessRequest("dynamodb:GetItem", ARN + "Events"), Decision.IMPLICITLY_DENIED, "req-1");

        assertEquals(400, answer.status());
        assertEquals("application/x-amz-json-1.0", answer.headers().get("Content-Type"));
        JsonNode body = new ObjectMapper().readTree(answer.body());
        assertEquals("com.amazon.coral.service#AccessDeniedException", body.get("__type").asText());
        assertEquals("User: arn:aws:sts::000000000000:assumed-role/stack-ListFnRole-local/stack-ListFn is not authorized to perform: "
                + "dynamodb:GetItem on resource: " + ARN + "Events because no identity-based policy allows the dynamodb:GetItem action",
                body.get("Message").asText());
    }
}
