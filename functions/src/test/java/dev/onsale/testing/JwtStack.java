package dev.onsale.testing;

import dev.onsale.localstack.AuthMode;
import dev.onsale.localstack.LocalJwtKey;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;
import dev.onsale.localstack.LocalTokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A second local stack of template.yaml whose gateway runs in JWT mode, as API Gateway's JWT authorizer
 * would: started once per test JVM beside {@link EmbeddedStack}'s dev-mode one (its own DynamoDB Local,
 * ElasticMQ and redis-server, on free ports), trusting a key generated for this JVM. Inject
 * {@link LocalStack} into a test's constructor; mint callers' tokens with {@link #tokens()}.
 */
public final class JwtStack implements ParameterResolver {
    private static LocalStack stack;
    private static LocalTokenIssuer tokens;

    public static synchronized LocalStack get() {
        if (stack == null) {
            Map<String, String> parameters = EmbeddedStack.parameters();
            LocalJwtKey key = LocalJwtKey.generate();
            stack = LocalStack.start(LocalStackOptions.builder()
                    .template(EmbeddedStack.projectFile("template.yaml"))
                    .port(0)
                    .stackName("onsale-jwt")
                    .parameterOverrides(parameters)
                    .authMode(AuthMode.JWT)
                    .jwtKey(key)
                    .pollers(false)
                    .build());
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "jwt-stack-stop"));
            tokens = new LocalTokenIssuer(key, parameters.get("JwtIssuer"), parameters.get("JwtAudience").split(",")[0].trim(),
                    parameters.getOrDefault("AdminGroup", "admin"), Clock.systemUTC());
        }
        return stack;
    }

    /** Mints tokens the stack's gateway accepts (or, expired or changed, refuses). */
    public static synchronized LocalTokenIssuer tokens() {
        get();
        return tokens;
    }

    /** {@code Authorization} header value for a user's good token (an hour long). */
    public static String bearer(String userId, boolean admin) {
        return "Bearer " + tokens().token(userId, admin, Duration.ofHours(1));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get();
    }
}
