package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityPolicyTest {

    private static final String EVENTS = "arn:aws:dynamodb:us-east-1:000000000000:table/Events";
    private static final String SEATS = "arn:aws:dynamodb:us-east-1:000000000000:table/Seats";

    @Test
    void whatNoStatementAllowsIsImplicitlyDenied() {
        IdentityPolicy policy = new IdentityPolicy(List.of(PolicyStatement.allow(List.of("dynamodb:Scan"), List.of(EVENTS))));

        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:Scan", EVENTS));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:GetItem", EVENTS));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:Scan", SEATS));
    }

    @Test
    void aDenyWinsOverAnAllowWhateverTheOrder() {
        PolicyStatement allowAll = PolicyStatement.allow(List.of("dynamodb:*"), List.of("*"));
        PolicyStatement denyDeletes = PolicyStatement.deny(List.of("dynamodb:Delete*"), List.of(EVENTS));

        for (List<PolicyStatement> statements : List.of(List.of(allowAll, denyDeletes), List.of(denyDeletes, allowAll))) {
            IdentityPolicy policy = new IdentityPolicy(statements);
            assertEquals(Decision.EXPLICITLY_DENIED, policy.evaluate("dynamodb:DeleteItem", EVENTS));
            assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:DeleteItem", SEATS));
            assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:PutItem", EVENTS));
        }
    }

    @Test
    void notActionAndNotResourceGrantEverythingElse() {
        IdentityPolicy policy = new IdentityPolicy(List.of(
                new PolicyStatement(PolicyStatement.Effect.ALLOW, List.of("dynamodb:Delete*"), true, List.of(SEATS), true, false)));

        assertEquals(Decision.ALLOWED, policy.evaluate("dynamodb:GetItem", EVENTS));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:DeleteItem", EVENTS));
        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:GetItem", SEATS));
    }

    @Test
    void aConditionalAllowGrantsNothingAndAConditionalDenyAlwaysApplies() {
        PolicyStatement conditionalAllow = new PolicyStatement(PolicyStatement.Effect.ALLOW, List.of("dynamodb:GetItem"), false,
                List.of(EVENTS), false, true);
        PolicyStatement conditionalDeny = new PolicyStatement(PolicyStatement.Effect.DENY, List.of("dynamodb:PutItem"), false,
                List.of(EVENTS), false, true);
        IdentityPolicy policy = new IdentityPolicy(List.of(conditionalAllow, conditionalDeny,
                PolicyStatement.allow(List.of("dynamodb:PutItem"), List.of(EVENTS))));

        assertEquals(Decision.IMPLICITLY_DENIED, policy.evaluate("dynamodb:GetItem", EVENTS));
        assertEquals(Decision.EXPLICITLY_DENIED, policy.evaluate("dynamodb:PutItem", EVENTS));
    }

    @Test
    void statementsParseAsTemplatesWriteThem() {
        PolicyStatement statement = PolicyStatement.parse(java.util.Map.of(
                "Effect", "Allow", "Action", "dynamodb:GetItem", "Resource", List.of(EVENTS, SEATS)), "test");

        assertEquals(new PolicyStatement(PolicyStatement.Effect.ALLOW, List.of("dynamodb:GetItem"), false,
                List.of(EVENTS, SEATS), false, false), statement);
    }

    @Test
    void aStatementWithoutResourceIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PolicyStatement.parse(
                java.util.Map.of("Effect", "Allow", "Action", "dynamodb:GetItem"), "test"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PolicyStatement.parse(
                java.util.Map.of("Effect", "Permit", "Action", "dynamodb:GetItem", "Resource", "*"), "test"));
    }
}
