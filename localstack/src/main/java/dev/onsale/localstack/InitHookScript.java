package dev.onsale.localstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Writes the LocalStack init hook ({@code localstack/init/ready.d/}) that creates a template's DynamoDB
 * tables and SQS queues with awslocal, named as {@link LocalStack} names them for the same stack name,
 * so functions and tests find the same resources in a LocalStack container as in the in-process stack.
 */
public final class InitHookScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InitHookScript() {}

    public static String render(Template template, String stackName, String region) {
        PhysicalResources physical = new PhysicalResources(template);
        IntrinsicEvaluator evaluator = new IntrinsicEvaluator(template,
                StackParameters.resolve(template, Map.of(), stackName, region), physical);
        List<Template.Resource> deployed = template.resources().values().stream()
                .filter(resource -> resource.condition() == null || evaluator.condition(resource.condition()))
                .toList();
        StringBuilder script = new StringBuilder("""
                #!/usr/bin/env bash
                # Creates the DynamoDB tables and SQS queues of template.yaml in LocalStack, named as the local
                # stack (dev.onsale.localstack.LocalStack) names them for the stack "%s" in %s.
                # LocalStack runs it once it is ready: mount this folder at /etc/localstack/init/ready.d.
                # Generated from template.yaml by dev.onsale.localstack.InitHookScript; InitHookScriptTest fails
                # when it no longer matches the template (localstack/README.md says how to regenerate it).
                set -euo pipefail

                table() {  # table name, CreateTable input JSON, TTL attribute (may be empty)
                  if awslocal dynamodb describe-table --table-name "$1" >/dev/null 2>&1; then
                    echo "table $1 already exists"
                    return
                  fi
                  awslocal dynamodb create-table --cli-input-json "$2" >/dev/null
                  if [ -n "$3" ]; then
                    awslocal dynamodb update-time-to-live --table-name "$1" \\
                      --time-to-live-specification "Enabled=true,AttributeName=$3" >/dev/null
                  fi
                  echo "created table $1"
                }

                queue() {  # queue name, CreateQueue input JSON
                  awslocal sqs create-queue --cli-input-json "$2" >/dev/null
                  echo "created queue $1"
                }
                """.formatted(stackName, region));
        for (Template.Resource table : deployed) {
            if (table.type().equals(Template.DYNAMODB_TABLE)) {
                TableDefinition definition = TableDefinition.from(table, evaluator, stackName);
                script.append("\n# ").append(table.logicalId()).append('\n')
                        .append("table ").append(definition.tableName()).append(' ')
                        .append(shellQuoted(json(definition.toCliInputJson(JSON)))).append(' ')
                        .append(shellQuoted(definition.ttlAttribute() == null ? "" : definition.ttlAttribute())).append('\n');
            }
        }
        List<Template.Resource> queues = deployed.stream().filter(resource -> resource.type().equals(Template.SQS_QUEUE)).toList();
        for (Template.Resource queue : QueueDefinition.inDependencyOrder(queues)) {
            QueueDefinition definition = QueueDefinition.from(queue, evaluator, stackName);
            // LocalStack's own ARN and URL shapes, for the queues that redrive to this one
            String arn = "arn:aws:sqs:" + region + ":" + StackParameters.ACCOUNT_ID + ":" + definition.queueName();
            String url = "http://sqs." + region + ".localhost.localstack.cloud:4566/" + StackParameters.ACCOUNT_ID + "/"
                    + definition.queueName();
            physical.register(queue.logicalId(), url, Map.of("Arn", arn, "QueueName", definition.queueName(), "QueueUrl", url));
            script.append("\n# ").append(queue.logicalId()).append('\n')
                    .append("queue ").append(definition.queueName()).append(' ')
                    .append(shellQuoted(json(definition.toCliInputJson(JSON)))).append('\n');
        }
        return script.toString();
    }

    private static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + node, e);
        }
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
