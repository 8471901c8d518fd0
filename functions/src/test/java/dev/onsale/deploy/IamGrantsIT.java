package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.catalog.CatalogService;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The local stack holds each function to its grants in template.yaml, as AWS does: a copy of the template
 * with one permission taken from one function makes that function's route fail as it would once deployed,
 * and the template as it is serves the same route.
 */
@ExtendWith(EmbeddedStack.class)
class IamGrantsIT {

    private static final String FUNCTION = "ListEventsFunction";
    private static final String GRANT = "Action: [dynamodb:GetItem, dynamodb:BatchGetItem]";

    /** template.yaml with ListEventsFunction's dynamodb:BatchGetItem on the events table taken away. */
    private static Path withoutBatchGet() throws IOException {
        String template = Files.readString(EmbeddedStack.projectFile("template.yaml"));
        int function = template.indexOf("\n  " + FUNCTION + ":");
        int grant = template.indexOf(GRANT, function);
        assertTrue(function > 0 && grant > function && grant < template.indexOf("Events:", function),
                FUNCTION + " no longer grants " + GRANT + ": update this test");
        Path copy = Files.createTempFile(Path.of("target"), "template-without-batch-get", ".yaml");
        Files.writeString(copy, template.substring(0, grant) + "Action: [dynamodb:GetItem]" + template.substring(grant + GRANT.length()));
        return copy;
    }

    private static LocalStack stack(Path template, boolean enforceIam) {
        return LocalStack.start(LocalStackOptions.builder().template(template).port(0).stackName("onsale-grants")
                .parameterOverrides(EmbeddedStack.parameters()).pollers(false).eagerInit(false).enforceIam(enforceIam).build());
    }

    private static int listStatus(LocalStack stack) {
        Gateway api = new Gateway(stack.gatewayUrl());
        assertEquals(201, api.post("/api/v1/events", Events.concert("Grants", 1)).status());
        return api.get("/api/v1/events").status();
    }

    @Test
    void aRouteWhoseFunctionLacksAGrantFailsAsItWouldInAws() throws IOException {
        try (LocalStack broken = stack(withoutBatchGet(), true)) {
            Gateway api = new Gateway(broken.gatewayUrl());
            assertEquals(201, api.post("/api/v1/events", Events.concert("Grants", 1)).status());

            Gateway.Reply list = api.get("/api/v1/events");

            assertEquals(500, list.status(), list.body());
            assertEquals("internal_error", list.json().get("error").asText());
            // what the function met: DynamoDB's AccessDeniedException for its own role session
            Config asTheFunction = Config.from(broken.functionEnvironment(FUNCTION)::get);
            DynamoDbException denied = assertThrows(DynamoDbException.class,
                    () -> CatalogService.create(asTheFunction).events(Optional.empty(), 20));
            assertEquals(400, denied.statusCode());
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            assertTrue(denied.awsErrorDetails().errorMessage().matches("User: arn:aws:sts::\\d{12}:assumed-role/\\S+/onsale-grants-"
                    + FUNCTION + " is not authorized to perform: dynamodb:BatchGetItem on resource: arn:aws:dynamodb:us-east-1:\\d{12}:"
                    + "table/onsale-grants-EventsTable because no identity-based policy allows the dynamodb:BatchGetItem action"),
                    denied.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void theSameRouteServesWithTheGrantInPlace(LocalStack stack) {
        assertTrue(stack.enforcesIam(), "the embedded stack enforces IAM");
        assertEquals(200, listStatus(stack));
    }

    @Test
    void withoutEnforcementTheMissingGrantGoesUnnoticed() throws IOException {
        try (LocalStack lenient = stack(withoutBatchGet(), false)) {
            assertEquals(200, listStatus(lenient), "a stack that does not enforce IAM serves what AWS would refuse");
        }
    }
}
