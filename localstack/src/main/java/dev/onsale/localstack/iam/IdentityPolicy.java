package dev.onsale.localstack.iam;

import java.util.List;

/**
 * All the identity-based statements of one role, evaluated as IAM does within one account: an
 * applicable Deny wins, else an applicable Allow allows, else the request is implicitly denied.
 */
public record IdentityPolicy(List<PolicyStatement> statements) {

    public IdentityPolicy {
        statements = List.copyOf(statements);
    }

    /** Everything allowed: a role whose policies the stack cannot know (one from outside the template). */
    public static IdentityPolicy unrestricted() {
        return new IdentityPolicy(List.of(PolicyStatement.allow(List.of("*"), List.of("*"))));
    }

    public Decision evaluate(String action, String resource) {
        boolean allowed = false;
        for (PolicyStatement statement : statements) {
            if (!statement.covers(action, resource)) {
                continue;
            }
            if (statement.effect() == PolicyStatement.Effect.DENY) {
                return Decision.EXPLICITLY_DENIED; // a Condition we cannot evaluate is taken to hold
            }
            allowed |= !statement.conditional();
        }
        return allowed ? Decision.ALLOWED : Decision.IMPLICITLY_DENIED;
    }

    public Decision evaluate(AccessRequest request) {
        return evaluate(request.action(), request.resource());
    }
}
