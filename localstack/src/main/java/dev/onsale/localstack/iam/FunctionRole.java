package dev.onsale.localstack.iam;

/**
 * A function's execution role as the stack's services see it: the role's policy, and the role session the
 * function's credentials stand for ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION}, as in Lambda).
 */
public record FunctionRole(String functionLogicalId, String functionName, String roleName, IdentityPolicy policy,
                           TemporaryCredentials credentials) {

    /** The role SAM creates for a function is named {@code <stack>-<LogicalId>Role-<suffix>}, at most 64 characters. */
    public static String samRoleName(String stackName, String functionLogicalId) {
        String name = stackName + "-" + functionLogicalId + "Role-local";
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    public String sessionArn(String accountId) {
        return "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + functionName;
    }

    /** AWS's words for a refusal (the action in the case the service writes it: SQS writes it in lower case). */
    public String denialMessage(String accountId, String action, String resource, Decision decision) {
        String reason = decision == Decision.EXPLICITLY_DENIED
                ? " with an explicit deny in an identity-based policy"
                : " because no identity-based policy allows the " + action + " action";
        return "User: " + sessionArn(accountId) + " is not authorized to perform: " + action + " on resource: " + resource + reason;
    }
}
