package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitHookScriptTest {

    static final Path PROJECT_TEMPLATE = Path.of("../template.yaml");
    static final Path HOOK = Path.of("init/ready.d/01-create-resources.sh");
    private static final String REGENERATE =
            "regenerate it: mvn -pl localstack test -Dtest=InitHookScriptTest -Dinit-hook.update=true";

    @Test
    void theCheckedInHookMatchesTheProjectTemplate() throws IOException {
        String expected = InitHookScript.render(Template.load(PROJECT_TEMPLATE), "onsale-local", "us-east-1");
        if (Boolean.getBoolean("init-hook.update")) {
            Files.writeString(HOOK, expected);
            Files.setPosixFilePermissions(HOOK, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(expected, Files.readString(HOOK), HOOK + " no longer matches " + PROJECT_TEMPLATE + "; " + REGENERATE);
    }

    @Test
    void theHookCreatesEveryTableAndQueueOfTheProjectTemplate() throws IOException {
        Template template = Template.load(PROJECT_TEMPLATE);
        String hook = Files.readString(HOOK);
        List<Template.Resource> tablesAndQueues = template.resources().values().stream()
                .filter(resource -> resource.type().equals(Template.DYNAMODB_TABLE) || resource.type().equals(Template.SQS_QUEUE))
                .toList();
        assertTrue(tablesAndQueues.size() >= 2);
        for (Template.Resource resource : tablesAndQueues) {
            assertTrue(hook.contains("\n# " + resource.logicalId() + "\n"), resource.logicalId() + " is missing; " + REGENERATE);
        }
    }

    @Test
    void theHookIsAnExecutableBashScript() throws Exception {
        assertTrue(Files.isExecutable(HOOK), HOOK + " must be executable for LocalStack to run it");
        Process syntaxCheck = new ProcessBuilder("bash", "-n", HOOK.toString()).redirectErrorStream(true).start();
        String output = new String(syntaxCheck.getInputStream().readAllBytes());
        assertEquals(0, syntaxCheck.waitFor(), output);
    }

    @Test
    void tablesKeepTheirIndexesAndTimeToLiveAndQueuesTheirRedrivePolicy() {
        String hook = InitHookScript.render(Template.load(Path.of("src/test/resources/test-template.yaml")), "s", "us-east-1");
        assertTrue(hook.contains("table s-items '{\"TableName\":\"s-items\""), hook);
        assertTrue(hook.contains("\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byOwner\""), hook);
        assertTrue(hook.contains("\"LocalSecondaryIndexes\":[{\"IndexName\":\"bySize\""), hook);
        assertTrue(hook.contains("}]}' 'expiresAt'\n"), "the TTL attribute follows the table's JSON");
        assertTrue(hook.contains("\"ProvisionedThroughput\":{\"ReadCapacityUnits\":3,\"WriteCapacityUnits\":4}"), hook);
        assertTrue(hook.contains("\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:s-WorkDeadLetterQueue\\\",\\\"maxReceiveCount\\\":2}\""), hook);
        assertTrue(hook.indexOf("queue s-WorkDeadLetterQueue") < hook.indexOf("queue s-WorkQueue"), "a dead-letter queue comes first");
        assertTrue(hook.contains("queue s-OrderedQueue.fifo"), hook);
    }
}
