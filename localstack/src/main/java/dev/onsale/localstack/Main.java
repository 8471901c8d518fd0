package dev.onsale.localstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a SAM template locally until interrupted (Ctrl-C stops everything it started, redis-server too).
 *
 * <pre>
 * java -cp ... dev.onsale.localstack.Main --template template.yaml --port 8000 \
 *     --parameter-overrides CacheTls=false CacheClusterMode=false --code-jar functions/target/functions.jar
 * </pre>
 */
public final class Main {

    static final String USAGE = """
            usage: Main [--template PATH] [--port N] [--parameter-overrides K=V [K=V ...]] [--code-jar PATH]
                        [--auth dev|jwt|none] [--jwt-keys DIR] [--no-dev-admin] [--aws-endpoint URL] [--stack-name NAME]
                        [--region REGION] [--no-pollers] [--lazy-init] [--no-enforce-iam] [--site DIR]
                        [--invoke FUNCTION --event FILE]
              --template             the SAM template (default: template.yaml)
              --port                 the local HTTP API's port, 0 for a free one (default: 8000)
              --parameter-overrides  template parameter values
              --code-jar             the functions' jar (default: handlers from the classpath)
              --auth                 dev: ?user_id=N becomes the JWT claim sub (default); jwt: bearer tokens
                                     validated like API Gateway's JWT authorizer; none: no claims
              --jwt-keys             in jwt mode, where the local issuer's key is kept (default: .onsale/jwt)
              --no-dev-admin         in dev mode, callers are not in the admin group
              --aws-endpoint         create tables and queues there (e.g. LocalStack) instead of in-process
              --no-pollers           do not poll the event sources (SQS queues, DynamoDB streams)
              --lazy-init            create each handler on its first invocation
              --no-enforce-iam       let every function make any DynamoDB and SQS call (default: each may
                                     make only the calls its Policies in the template allow, as in AWS)
              --site                 serve this folder where the template's CloudFront distribution serves its
                                     S3 origin: every path its cache behaviours do not send to the API (and, in
                                     jwt mode, a local sign-in at /local/sign-in)
              --invoke, --event      invoke one function once with the event in FILE (JSON), print its
                                     answer as JSON and exit, like `sam local invoke -e FILE FUNCTION`
            """;

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        LocalStackOptions options;
        try {
            options = parseArguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        String function = argument(args, "--invoke");
        if (function != null) {
            System.exit(invokeOnce(options, function, argument(args, "--event")));
            return;
        }
        LocalStack stack = LocalStack.start(options);
        describe(stack);
        // the stack's shutdown hook stops everything on Ctrl-C
        new CountDownLatch(1).await();
    }

    /** Invokes one function with one event on a fresh stack (no gateway traffic, no pollers); 0 when it answered. */
    static int invokeOnce(LocalStackOptions options, String function, String eventFile) {
        if (eventFile == null) {
            System.err.println("--invoke needs --event FILE");
            return 2;
        }
        String event;
        try {
            event = java.nio.file.Files.readString(Path.of(eventFile));
        } catch (java.io.IOException e) {
            System.err.println("cannot read " + eventFile + ": " + e.getMessage());
            return 2;
        }
        try (LocalStack stack = LocalStack.start(options)) {
            System.out.println(invoke(stack, function, event));
            return 0;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("the answer is not serializable: " + e.getMessage());
            return 1;
        }
    }

    /**
     * What {@code --invoke} prints: the function's answer to the event (JSON text) as JSON, with AWS's field names; when
     * the function failed, what Lambda answers then ({@code errorMessage}, {@code errorType}), as {@code sam local invoke}
     * prints it.
     */
    public static String invoke(LocalStack stack, String function, String event) throws com.fasterxml.jackson.core.JsonProcessingException {
        Object answer;
        try {
            answer = stack.invoke(function, event);
        } catch (RuntimeException e) {
            Map<String, String> error = new java.util.LinkedHashMap<>();
            error.put("errorMessage", String.valueOf(e.getMessage()));
            error.put("errorType", e.getClass().getName());
            answer = error;
        }
        return LambdaJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer);
    }

    private static String argument(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }

    /** Where the local issuer's key is kept (JWT mode, scripts/token), relative to the project. */
    static final String DEFAULT_JWT_KEYS_DIR = ".onsale/jwt";
    static final Path DEFAULT_JWT_KEYS = Path.of(DEFAULT_JWT_KEYS_DIR);

    /** The options the command line asks for ({@code --invoke} runs with no pollers, lazy handlers and a free port). */
    public static LocalStackOptions parseArguments(String... args) {
        LocalStackOptions.Builder options = LocalStackOptions.builder().template(Path.of("template.yaml"));
        AuthMode authMode = AuthMode.DEV;
        Path jwtKeys = DEFAULT_JWT_KEYS;
        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            switch (argument) {
                case "--template" -> options.template(Path.of(value(args, ++i, argument)));
                case "--port" -> options.port(Integer.parseInt(value(args, ++i, argument)));
                case "--parameter-overrides" -> {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        String pair = args[++i];
                        int equals = pair.indexOf('=');
                        if (equals <= 0) {
                            throw new IllegalArgumentException("--parameter-overrides wants Key=Value, got " + pair);
                        }
                        options.parameterOverride(pair.substring(0, equals), pair.substring(equals + 1));
                    }
                }
                case "--code-jar" -> options.codeJar(Path.of(value(args, ++i, argument)));
                case "--auth" -> authMode = authMode(value(args, ++i, argument));
                case "--jwt-keys" -> jwtKeys = Path.of(value(args, ++i, argument));
                case "--no-dev-admin" -> options.devAdmin(false);
                case "--aws-endpoint" -> options.externalAwsEndpoint(URI.create(value(args, ++i, argument)));
                case "--stack-name" -> options.stackName(value(args, ++i, argument));
                case "--region" -> options.region(value(args, ++i, argument));
                case "--no-pollers" -> options.pollers(false);
                case "--lazy-init" -> options.eagerInit(false);
                case "--no-enforce-iam" -> options.enforceIam(false);
                case "--site" -> options.site(Path.of(value(args, ++i, argument)));
                case "--invoke", "--event" -> {
                    value(args, ++i, argument); // read by main: one invocation instead of serving
                    options.pollers(false).eagerInit(false).port(0);
                }
                default -> throw new IllegalArgumentException("unknown argument " + argument);
            }
        }
        options.authMode(authMode);
        if (authMode == AuthMode.JWT) {
            options.jwtKey(LocalJwtKey.loadOrCreate(jwtKeys));
        }
        return options.build();
    }

    private static AuthMode authMode(String name) {
        try {
            return AuthMode.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--auth wants dev, jwt or none, got " + name);
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static void describe(LocalStack stack) {
        String base = "http://localhost:" + stack.gatewayUrl().getPort();
        stack.routes().stream().sorted(RouteTable.displayOrder()).forEach(route -> System.out.printf("%-6s %s -> %s%n",
                route.method(), route.path() == null ? base + "/* ($default)" : base + route.path(),
                route.function().definition().logicalId()));
        stack.pollers().stream().sorted(Comparator.comparing(EventSourcePoller::sourceType).thenComparing(EventSourcePoller::description))
                .forEach(poller -> System.out.printf("%-6s %s%n", poller.sourceType(), poller.description()));
        System.out.println("DynamoDB " + stack.dynamoDbEndpoint());
        System.out.println("SQS      " + stack.sqsEndpoint());
        System.out.println(stack.enforcesIam()
                ? "IAM      enforced: functions reach DynamoDB at " + stack.functionsDynamoDbEndpoint() + " and SQS at "
                        + stack.functionsSqsEndpoint() + ", as their roles allow"
                : "IAM      not enforced (--no-enforce-iam): every function may make any call");
        System.out.println("Secrets  " + stack.secretsManagerEndpoint());
        if (stack.runsRedis()) {
            System.out.println("Redis    " + stack.redisHost() + ":" + stack.redisPort());
        }
        stack.jwtKey().ifPresent(key -> System.out.println("JWKS     " + base + LocalHttpApi.JWKS_PATH + " (kid " + key.keyId() + ")"));
        System.out.println("ready in " + stack.startupTime().toMillis() + " ms");
    }
}
