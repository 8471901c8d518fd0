package dev.onsale.testing;

import dev.onsale.localstack.AuthMode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;
import dev.onsale.platform.Config;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The whole local stack (template.yaml on DynamoDB Local, ElasticMQ and redis-server, with the local
 * gateway and SQS pollers), started once per test JVM and shared: each test makes its own events,
 * users and keys. Inject {@link LocalStack} into a test or its constructor.
 */
public final class EmbeddedStack implements ParameterResolver {
    private static LocalStack stack;

    public static synchronized LocalStack get() {
        if (stack == null) {
            stack = LocalStack.start(LocalStackOptions.builder()
                    .template(projectFile("template.yaml"))
                    .port(0)
                    .parameterOverrides(stackParameters())
                    .authMode(AuthMode.DEV)
                    .devAdmin(true)
                    .pollers(true)
                    .enforceIam(true) // each function may make only the calls template.yaml grants it, as in AWS
                    .site(projectFile("web")) // the pages, where the template's CloudFront distribution serves them
                    .build());
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "embedded-stack-stop"));
        }
        return stack;
    }

    /**
     * The configuration a function of the template sees on the stack, its credentials included: what a test
     * builds with it calls DynamoDB and SQS as that function, and only as its role allows (IAM is enforced).
     */
    public static Config config(String functionLogicalId) {
        return Config.from(get().functionEnvironment(functionLogicalId)::get);
    }

    /**
     * A function's configuration signed with the stack's own credentials (the account's administrator, whom
     * no policy restricts): for a test that wires one service to do what several functions do (hold, confirm
     * and expire), or that reads and writes behind the functions' backs.
     */
    public static Config adminConfig(String functionLogicalId) {
        return config(functionLogicalId).withAccessKeys(Optional.of(ADMINISTRATOR));
    }

    /** {@code config} signing as another function of the stack: a test's setup doing that function's part. */
    public static Config signedAs(String functionLogicalId, Config config) {
        return config.withAccessKeys(config(functionLogicalId).accessKeys());
    }

    /** The stack's own keys (its clients', and any key it did not give a function): allowed everything. */
    private static final Config.AccessKeys ADMINISTRATOR = new Config.AccessKeys("local", "local", Optional.empty());

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get();
    }

    /**
     * Redelivery in seconds, not minutes: a hold-expiry message that keeps failing reaches the DLQ after
     * {@value #EXPIRY_MAX_RECEIVE_COUNT} deliveries {@value #EXPIRY_VISIBILITY_SECONDS} s apart.
     */
    public static final int EXPIRY_VISIBILITY_SECONDS = 2;
    public static final int EXPIRY_MAX_RECEIVE_COUNT = 3;
    /** A batch of seat changes the maps cannot take is retried twice (0.1 s, 0.2 s apart), then dead-lettered. */
    public static final int SEAT_CHANGES_MAX_RETRIES = 2;
    /** Warm functions read the token keys again once they are a second old: a rotation is seen within a second or two. */
    public static final int KEYS_REFRESH_SECONDS = 1;

    private static Map<String, String> stackParameters() {
        Map<String, String> parameters = parameters();
        parameters.put("HoldExpiryVisibilitySeconds", Integer.toString(EXPIRY_VISIBILITY_SECONDS));
        parameters.put("HoldExpiryMaxReceiveCount", Integer.toString(EXPIRY_MAX_RECEIVE_COUNT));
        parameters.put("SeatChangesMaxRetries", Integer.toString(SEAT_CHANGES_MAX_RETRIES));
        parameters.put("WaitingRoomKeysRefreshSeconds", Integer.toString(KEYS_REFRESH_SECONDS));
        return parameters;
    }

    public static Map<String, String> parameters() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(projectFile("localstack/template-parameters.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> parameters = new HashMap<>();
        properties.forEach((k, v) -> parameters.put((String) k, (String) v));
        return parameters;
    }

    /** A file of the project, found from the module directory Maven runs tests in. */
    public static Path projectFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
