package dev.onsale.localstack;

import java.nio.file.Path;

/**
 * One local stack of the test template per test JVM, shared by the integration tests (each test uses its
 * own keys and message bodies). The stack's shutdown hook stops it, redis-server included, when the JVM exits.
 */
final class TestStack {

    static final Path TEMPLATE = Path.of("src/test/resources/test-template.yaml");
    static final String STACK_NAME = "test-stack";
    /** The JWT issuer of the test template's authorizer (for the JWT-mode gateway of {@link JwtGatewayIT}). */
    static final String ISSUER = "https://issuer.test/pool";

    private static LocalStack stack;

    private TestStack() {}

    static synchronized LocalStack get() {
        if (stack == null) {
            stack = LocalStack.start(LocalStackOptions.builder()
                    .template(TEMPLATE)
                    .port(0)
                    .stackName(STACK_NAME)
                    .parameterOverride("Issuer", ISSUER)
                    .build());
        }
        return stack;
    }
}
