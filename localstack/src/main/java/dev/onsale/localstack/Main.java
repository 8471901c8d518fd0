package dev.onsale.localstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a SAM template locally until interrupted (Ctrl-C stops everything it started, redis-server too).
 *
 * <pre>
 * java -cp ... dev.onsale.localstack.Main --template template.yaml --port 8000 \
 *     --parameter-overrides CacheTls=false CacheClusterMode=false --code-jar functions/target/functions.jar
 * </pre>
 */
public final class Main {

    /** The command line, as picocli reads it. */
    @Command(name = "Main", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Runs a SAM template locally until interrupted (Ctrl-C stops everything it started).")
    static final class Arguments {
        @Option(names = "--template", paramLabel = "PATH", defaultValue = "template.yaml", description = "the SAM template (default: ${DEFAULT-VALUE})")
        Path template;

        @Option(names = "--port", paramLabel = "N", defaultValue = "" + LocalStackOptions.DEFAULT_PORT,
                description = "the local HTTP API's port, 0 for a free one (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--parameter-overrides", paramLabel = "K=V", arity = "1..*", description = "template parameter values")
        Map<String, String> parameterOverrides = new LinkedHashMap<>();

        @Option(names = "--code-jar", paramLabel = "PATH", description = "the functions' jar (default: handlers from the classpath)")
        Path codeJar;

        @Option(names = "--auth", paramLabel = "dev|jwt|none", defaultValue = "dev", converter = AuthModes.class,
                description = "dev: ?user_id=N becomes the JWT claim sub (default); jwt: bearer tokens validated like API"
                        + " Gateway's JWT authorizer; none: no claims")
        AuthMode auth;

        @Option(names = "--jwt-keys", paramLabel = "DIR", defaultValue = DEFAULT_JWT_KEYS_DIR,
                description = "in jwt mode, where the local issuer's key is kept (default: ${DEFAULT-VALUE})")
        Path jwtKeys;

        @Option(names = "--no-dev-admin", description = "in dev mode, callers are not in the admin group")
        boolean noDevAdmin;

        @Option(names = "--aws-endpoint", paramLabel = "URL", description = "create tables and queues there (e.g. LocalStack) instead of in-process")
        URI awsEndpoint;

        @Option(names = "--stack-name", paramLabel = "NAME", defaultValue = LocalStackOptions.DEFAULT_STACK_NAME, description = "the stack's name (default: ${DEFAULT-VALUE})")
        String stackName;

        @Option(names = "--region", paramLabel = "REGION", defaultValue = LocalStackOptions.DEFAULT_REGION, description = "the stack's region (default: ${DEFAULT-VALUE})")
        String region;

        @Option(names = "--no-pollers", description = "do not poll the event sources (SQS queues, DynamoDB streams)")
        boolean noPollers;

        @Option(names = "--lazy-init", description = "create each handler on its first invocation")
        boolean lazyInit;

        @Option(names = "--no-enforce-iam", description = "let every function make any DynamoDB and SQS call (default: each may"
                + " make only the calls its Policies in the template allow, as in AWS)")
        boolean noEnforceIam;

        @Option(names = "--site", paramLabel = "DIR", description = "serve this folder where the template's CloudFront distribution"
                + " serves its S3 origin: every path its cache behaviours do not send to the API (and, in jwt mode, a local"
                + " sign-in at /local/sign-in)")
        Path site;

        @Option(names = "--invoke", paramLabel = "FUNCTION", description = "invoke one function once with the --event FILE (JSON),"
                + " print its answer as JSON and exit, like `sam local invoke -e FILE FUNCTION`")
        String invoke;

        @Option(names = "--event", paramLabel = "FILE", description = "the event of --invoke")
        String event;
    }

    /** {@code --auth}: a mode by its name, in any case. */
    static final class AuthModes implements CommandLine.ITypeConverter<AuthMode> {
        @Override
        public AuthMode convert(String name) {
            try {
                return AuthMode.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--auth wants dev, jwt or none, got " + name);
            }
        }
    }

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        CommandLine command = new CommandLine(new Arguments());
        Arguments arguments;
        try {
            CommandLine.ParseResult parsed = command.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return;
            }
            arguments = command.getCommand();
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            command.usage(System.err);
            System.exit(2);
            return;
        }
        LocalStackOptions options = options(arguments);
        if (arguments.invoke != null) {
            System.exit(invokeOnce(options, arguments.invoke, arguments.event));
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

    /** Where the local issuer's key is kept (JWT mode, scripts/token), relative to the project. */
    public static final String DEFAULT_JWT_KEYS_DIR = ".onsale/jwt";

    /**
     * The options the command line asks for ({@code --invoke} runs with no pollers, lazy handlers and a free port); a bad
     * argument is an {@link IllegalArgumentException} naming it.
     */
    public static LocalStackOptions parseArguments(String... args) {
        CommandLine command = new CommandLine(new Arguments());
        try {
            command.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return options(command.getCommand());
    }

    private static LocalStackOptions options(Arguments arguments) {
        LocalStackOptions.Builder options = LocalStackOptions.builder()
                .template(arguments.template)
                .port(arguments.port)
                .parameterOverrides(arguments.parameterOverrides)
                .codeJar(arguments.codeJar)
                .authMode(arguments.auth)
                .devAdmin(!arguments.noDevAdmin)
                .externalAwsEndpoint(arguments.awsEndpoint)
                .stackName(arguments.stackName)
                .region(arguments.region)
                .pollers(!arguments.noPollers)
                .eagerInit(!arguments.lazyInit)
                .enforceIam(!arguments.noEnforceIam)
                .site(arguments.site);
        if (arguments.invoke != null || arguments.event != null) {
            options.pollers(false).eagerInit(false).port(0); // one invocation instead of serving
        }
        if (arguments.auth == AuthMode.JWT) {
            options.jwtKey(LocalJwtKey.loadOrCreate(arguments.jwtKeys));
        }
        return options.build();
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
