package dev.onsale.localstack.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a function's execution role allows, read from the template as SAM and CloudFormation make the role.
 *
 * <p>For a function without {@code Role}, SAM creates one with the function's {@code Policies} (managed
 * policy names or ARNs, inline policy documents, SAM policy templates) plus what SAM attaches itself:
 * {@code AWSLambdaBasicExecutionRole}, {@code AWSLambdaVPCAccessExecutionRole} with a {@code VpcConfig},
 * the execution role of each pull event source ({@code SQS}, {@code DynamoDB}), and {@code sqs:SendMessage}
 * on an event source's {@code OnFailure} destination declared with {@code Type: SQS}. A function whose
 * {@code Role} is an {@code AWS::IAM::Role} of the template gets that role's inline and managed policies.
 *
 * <p>Values come with their intrinsics resolved. A managed policy or policy template this class does not
 * know grants nothing, with a warning: the stack errs towards denying.
 */
public final class RolePolicies {

    /** An event source of a function, as far as SAM's role needs: its type and its on-failure destination. */
    public record EventSource(String type, String onFailureType, String onFailureDestination) {}

    private final ResourceArns arns;
    private final Consumer<String> warnings;

    /** @param warnings where to say what could not be modelled (a log) */
    public RolePolicies(ResourceArns arns, Consumer<String> warnings) {
        this.arns = arns;
        this.warnings = warnings;
    }

    /** The role SAM creates for a function from its {@code Policies} (evaluated) and its other properties. */
    public IdentityPolicy samFunctionRole(String functionLogicalId, Object policies, boolean inVpc, List<EventSource> eventSources) {
        List<PolicyStatement> statements = new ArrayList<>(managed(functionLogicalId, "AWSLambdaBasicExecutionRole"));
        if (inVpc) {
            statements.addAll(managed(functionLogicalId, "AWSLambdaVPCAccessExecutionRole"));
        }
        for (EventSource source : eventSources) {
            switch (source.type()) {
                case "SQS" -> statements.addAll(managed(functionLogicalId, "AWSLambdaSQSQueueExecutionRole"));
                case "DynamoDB" -> statements.addAll(managed(functionLogicalId, "AWSLambdaDynamoDBExecutionRole"));
                default -> { /* push sources (HttpApi, ...) need nothing of the role */ }
            }
            if ("SQS".equals(source.onFailureType()) && source.onFailureDestination() != null) {
                statements.add(PolicyStatement.allow(List.of("sqs:SendMessage"), List.of(source.onFailureDestination())));
            }
        }
        String where = functionLogicalId + ".Policies";
        switch (policies) {
            case null -> { }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    statements.addAll(policy(list.get(i), where + "[" + i + "]"));
                }
            }
            default -> statements.addAll(policy(policies, where));
        }
        return canonical(statements);
    }

    /** An {@code AWS::IAM::Role}'s {@code Policies} ({@code PolicyName}, {@code PolicyDocument}) and {@code ManagedPolicyArns}. */
    public IdentityPolicy iamRole(String roleLogicalId, Map<?, ?> properties) {
        List<PolicyStatement> statements = new ArrayList<>();
        if (properties.get("Policies") instanceof List<?> inline) {
            for (int i = 0; i < inline.size(); i++) {
                String where = roleLogicalId + ".Policies[" + i + "]";
                if (!(inline.get(i) instanceof Map<?, ?> named) || !(named.get("PolicyDocument") instanceof Map<?, ?> document)) {
                    throw new IllegalArgumentException(where + ": an inline policy has a PolicyName and a PolicyDocument");
                }
                statements.addAll(document(document, where + ".PolicyDocument"));
            }
        }
        if (properties.get("ManagedPolicyArns") instanceof List<?> managed) {
            managed.forEach(arn -> statements.addAll(managed(roleLogicalId, String.valueOf(arn))));
        }
        return canonical(statements);
    }

    private List<PolicyStatement> policy(Object declared, String where) {
        return switch (declared) {
            case String managed -> managed(where, managed);
            case Map<?, ?> document when document.containsKey("Statement") -> document(document, where);
            case Map<?, ?> template when template.size() == 1 -> {
                String name = String.valueOf(template.keySet().iterator().next());
                Object parameters = template.values().iterator().next();
                var expanded = PolicyTemplates.expand(name, parameters instanceof Map<?, ?> map ? map : Map.of(), arns);
                if (expanded.isEmpty()) {
                    warnings.accept(where + ": the policy template " + name + " is not modelled locally; it grants nothing here");
                }
                yield expanded.orElse(List.of());
            }
            default -> throw new IllegalArgumentException(where + ": a policy is a managed policy's name or ARN, "
                    + "a policy document (Statement) or a policy template, got " + declared);
        };
    }

    private static List<PolicyStatement> document(Map<?, ?> document, String where) {
        Object statement = document.get("Statement");
        List<?> statements = statement instanceof List<?> list ? list : List.of(statement);
        List<PolicyStatement> parsed = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            parsed.add(PolicyStatement.parse(statements.get(i), where + ".Statement[" + i + "]"));
        }
        return parsed;
    }

    private List<PolicyStatement> managed(String where, String nameOrArn) {
        return ManagedPolicies.named(nameOrArn).orElseGet(() -> {
            warnings.accept(where + ": the managed policy " + nameOrArn + " is not modelled locally; it grants nothing here");
            return List.of();
        });
    }

    private IdentityPolicy canonical(List<PolicyStatement> statements) {
        List<PolicyStatement> canonical = statements.stream().map(statement -> {
            if (statement.conditional()) {
                warnings.accept("a statement with a Condition (" + statement.actions() + " on " + statement.resources()
                        + ") is not evaluated locally: " + (statement.effect() == PolicyStatement.Effect.ALLOW
                        ? "as an Allow it grants nothing here" : "as a Deny it always applies here"));
            }
            return new PolicyStatement(statement.effect(), statement.actions(), statement.notAction(),
                    statement.resources().stream().map(arns::canonical).toList(), statement.notResource(), statement.conditional());
        }).toList();
        return new IdentityPolicy(canonical);
    }
}
