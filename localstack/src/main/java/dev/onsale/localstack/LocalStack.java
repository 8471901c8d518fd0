package dev.onsale.localstack;

import dev.onsale.localstack.iam.AuthorizingProxy;
import dev.onsale.localstack.iam.EventSourcePermissions;
import dev.onsale.localstack.iam.FunctionRole;
import dev.onsale.localstack.iam.IdentityPolicy;
import dev.onsale.localstack.iam.ResourceArns;
import dev.onsale.localstack.iam.RolePolicies;
import dev.onsale.localstack.iam.TemporaryCredentials;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.onsale.localstack.secrets.LocalSecretsManager;
import dev.onsale.localstack.secrets.SecretsManagerException;
import dev.onsale.localstack.secrets.SecretsManagerServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SAM without Docker: runs a SAM template in this JVM. It creates the template's DynamoDB tables in
 * DynamoDB Local and its SQS queues in ElasticMQ (or both in an external endpoint such as LocalStack),
 * its Secrets Manager secrets and rotation schedules in a local Secrets Manager (in this JVM in either case),
 * runs one redis-server for its ElastiCache resources, serves every {@code HttpApi} event of every
 * function on a local HTTP API, and polls every {@code SQS} and {@code DynamoDB} (stream) event source
 * into its function.
 *
 * <p>Each function is one warm handler instance, created with its resolved environment published as
 * {@code lambda.env.<NAME>} system properties during its construction: see {@link LambdaEnvironment}.
 * The stack knows nothing of what the functions do.
 *
 * <p>Unless {@link LocalStackOptions#enforceIam()} is off, each function gets credentials of its own and
 * reaches DynamoDB and SQS through an {@link AuthorizingProxy} that allows only what the function's role
 * (its {@code Policies}, as SAM makes the role) allows, and refuses the rest as AWS does; event source
 * mappings whose function's role could not poll their source fail the start, as they fail a deploy.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(LocalStackOptions.builder()
 *         .template(Path.of("../template.yaml")).port(0)
 *         .parameterOverrides(Map.of("CacheTls", "false"))
 *         .build())) {
 *     HttpRequest.newBuilder(stack.gatewayUrl().resolve("/api/v1/events")) ...
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final Set<String> CACHE_TYPES = Set.of(
            "AWS::ElastiCache::ServerlessCache", "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster");
    private static final List<String> CACHE_ENDPOINTS = List.of("Endpoint", "ReaderEndpoint", "PrimaryEndPoint",
            "ReaderEndPoint", "ConfigurationEndPoint", "ConfigurationEndpoint", "RedisEndpoint");

    private static final String LOG_GROUP = "AWS::Logs::LogGroup";
    private static final String HEADER_IDENTITY_SOURCE = "$request.header.";
    /** The stack's own access key: its clients', and what the emulators see every call under. */
    private static final String STACK_ACCESS_KEY = "local";
    private static final String DEFAULT_IDENTITY_SOURCE = HEADER_IDENTITY_SOURCE + "Authorization";

    private final LocalStackOptions options;
    private final Template template;
    private final PhysicalResources physical;
    private final IntrinsicEvaluator evaluator;
    private final Map<String, String> queueUrlsByArn = new ConcurrentHashMap<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final ResourceArns resourceArns;
    private final Map<String, FunctionRole> rolesByFunction = new LinkedHashMap<>();
    private final Map<String, FunctionRole> rolesByAccessKey = new ConcurrentHashMap<>();
    private final List<AutoCloseable> iamProxies = new ArrayList<>();
    /** The cache endpoint each function outside the VPC sees instead of the cache, by function logical id. */
    private final Map<String, UnreachableEndpoint> cachesOutsideVpc = new LinkedHashMap<>();
    private URI functionsDynamoDbEndpoint;
    private URI functionsSqsEndpoint;
    private final List<EventSourcePoller> pollers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::closeOnJvmExit, "local-stack-shutdown");

    private DynamoDbLocalServer dynamoDbLocal;
    private ElasticMqServer elasticMq;
    private SecretsManagerServer secretsManager;
    private final List<RotationScheduleDefinition> rotationSchedules = new ArrayList<>();
    private volatile RedisServerProcess redis;
    private URI dynamoDbEndpoint;
    private URI sqsEndpoint;
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient dynamoDbStreams;
    private SqsClient sqs;
    private URLClassLoader codeLoader;
    private RouteTable routes;
    private LocalHttpApi httpApi;
    private LocalSite site;
    private Duration startupTime;
    private LocalJwtKey jwtKey;
    private String apiId;
    private final List<LocalHttpApi> extraGateways = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalStack(LocalStackOptions options) {
        this.options = options;
        this.template = Template.load(options.template());
        this.physical = new PhysicalResources(template);
        this.evaluator = new IntrinsicEvaluator(template,
                StackParameters.resolve(template, options.parameterOverrides(), options.stackName(), options.region()),
                physical);
        this.resourceArns = new ResourceArns(options.region(), StackParameters.ACCOUNT_ID);
    }

    /** Starts everything the template needs and returns once the HTTP API serves requests. */
    public static LocalStack start(LocalStackOptions options) {
        long began = System.nanoTime();
        LocalStack stack = new LocalStack(options);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.boot();
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
        stack.startupTime = Duration.ofNanos(System.nanoTime() - began);
        log.info("local stack of {} ready in {} ms: {}", options.template(), stack.startupTime.toMillis(), stack.gatewayUrl());
        return stack;
    }

    /** The local HTTP API, e.g. {@code http://127.0.0.1:8000}. */
    public URI gatewayUrl() {
        return httpApi.url();
    }

    /**
     * In JWT mode, the key whose tokens the gateway accepts (the option's, or one generated at start);
     * empty in the other modes.
     */
    public java.util.Optional<LocalJwtKey> jwtKey() {
        return java.util.Optional.ofNullable(jwtKey);
    }

    /**
     * Serves the same routes and function instances on a second local HTTP API (a free port) whose gateway
     * authorizes in another mode: e.g. JWT beside the dev-mode one, without a second stack. It stops with
     * the stack.
     *
     * @param jwtKey in JWT mode, the local issuer's key the gateway trusts (required then)
     * @return the second gateway's URL
     */
    public URI startGateway(AuthMode mode, LocalJwtKey jwtKey) {
        if (mode == AuthMode.JWT && jwtKey == null) {
            throw new IllegalArgumentException("a JWT-mode gateway needs the issuer's key");
        }
        RouteAuthorizer authorizer = RouteAuthorizer.forMode(mode, options.devAdmin(), options.devAdminGroup(), jwtKey,
                Clock.systemUTC());
        LocalHttpApi gateway = LocalHttpApi.start(0, routes, authorizer, apiId,
                mode == AuthMode.JWT ? jwtKey.jwks() : null, site, signIn(mode, jwtKey));
        extraGateways.add(gateway);
        if (closed.get()) {
            gateway.close();
            throw new IllegalStateException("the stack is closed");
        }
        return gateway.url();
    }

    /** A DynamoDB client (SDK v2, Apache HTTP client) pointed at the stack's DynamoDB. */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** A DynamoDB Streams client (SDK v2, Apache HTTP client) pointed at the stack's DynamoDB. */
    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    /** An SQS client (SDK v2, Apache HTTP client) pointed at the stack's SQS. */
    public SqsClient sqs() {
        return sqs;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    /**
     * Where the functions reach DynamoDB: with IAM enforced, the authorizing proxy in front of
     * {@link #dynamoDbEndpoint()}; else that endpoint itself.
     */
    public URI functionsDynamoDbEndpoint() {
        return functionsDynamoDbEndpoint;
    }

    /** Where the functions reach SQS; see {@link #functionsDynamoDbEndpoint()}. */
    public URI functionsSqsEndpoint() {
        return functionsSqsEndpoint;
    }

    /** Whether the functions' calls are checked against their roles (see {@link LocalStackOptions#enforceIam()}). */
    public boolean enforcesIam() {
        return options.enforceIam();
    }

    /** What a function's execution role allows, as read from the template (whether or not it is enforced). */
    public IdentityPolicy functionPolicy(String functionLogicalId) {
        function(functionLogicalId);
        return rolesByFunction.get(functionLogicalId).policy();
    }

    /** The local Secrets Manager itself, e.g. to make a secret of a test's own. */
    public LocalSecretsManager secretsManager() {
        return secretsManager.secrets();
    }

    /** The local Secrets Manager's endpoint (what functions get as {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}). */
    public URI secretsManagerEndpoint() {
        return secretsManager.endpoint();
    }

    /**
     * Rotates a secret of the template now, as Secrets Manager's {@code RotateSecret} does (which the local Secrets
     * Manager also serves, asynchronously as on AWS): stages a new version {@code AWSPENDING} and invokes the secret's
     * rotation function (its {@code AWS::SecretsManager::RotationSchedule}) once per step. Returns when it is done.
     *
     * @param secret a secret's logical id, name or ARN
     * @return the new current version's id
     * @throws IllegalStateException naming what failed (the rotation is then unfinished, as on AWS)
     */
    public String rotateSecret(String secret) {
        String secretId = template.resources().containsKey(secret) ? physical.ref(secret) : secret;
        try {
            return secretsManager.secrets().rotate(secretId);
        } catch (SecretsManagerException e) {
            throw new IllegalStateException("rotating " + secret + " failed: " + e.type() + ": " + e.getMessage(), e);
        }
    }

    public String redisHost() {
        return RedisServerProcess.HOST;
    }

    public int redisPort() {
        return requireRedis().port();
    }

    /** What {@code Ref} of a resource gives: a table name, a queue URL, a function name, a placeholder, ... */
    public String physicalId(String logicalId) {
        template.resource(logicalId);
        return physical.ref(logicalId);
    }

    /** What {@code Fn::GetAtt logicalId.attribute} gives, e.g. a queue's {@code Arn}. */
    public String attribute(String logicalId, String attribute) {
        template.resource(logicalId);
        return physical.attribute(logicalId, attribute);
    }

    /** A function's environment as its handler sees it: the template's variables plus Lambda's own. */
    public Map<String, String> functionEnvironment(String functionLogicalId) {
        return function(functionLogicalId).environment();
    }

    /**
     * Invokes a function's warm instance directly, as {@code aws lambda invoke} would. The event is
     * converted to the handler's input type when it is not one already (a Map or a JSON string, say).
     *
     * @return the handler's result
     * @throws RuntimeException whatever the handler threw
     */
    public Object invoke(String functionLogicalId, Object event) {
        return function(functionLogicalId).invoke(event);
    }

    /** Stops every event source poller (SQS and streams); returns once none is reading or invoking. */
    public void pausePollers() {
        pollers.forEach(EventSourcePoller::requestPause);
        pollers.forEach(EventSourcePoller::awaitIdle);
    }

    public void resumePollers() {
        pollers.forEach(EventSourcePoller::resume);
    }

    /**
     * Returns once every DynamoDB stream event source has delivered, or given up on, every record its
     * stream held when this was called (it may have delivered later ones too): write, await, then look.
     *
     * @throws IllegalStateException when one has not within {@code timeout}, or at once when the pollers are
     *                               paused (a paused poller would not)
     */
    public void awaitStreamsCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<DynamoDbStreamPoller> streamPollers = pollers.stream()
                .filter(DynamoDbStreamPoller.class::isInstance).map(DynamoDbStreamPoller.class::cast).toList();
        // ask all first, so they catch up together
        long[] generations = streamPollers.stream().mapToLong(DynamoDbStreamPoller::requestCatchUp).toArray();
        for (int i = 0; i < generations.length; i++) {
            streamPollers.get(i).awaitCaughtUp(generations[i], deadline);
        }
    }

    /** Stops redis-server, e.g. to see how functions cope with a cache outage. */
    public void stopRedis() {
        requireRedis().stop();
    }

    /** Starts redis-server again on the same port (empty: it keeps no data). */
    public void startRedis() {
        requireRedis().start();
    }

    /** How long {@link #start} took. */
    public Duration startupTime() {
        return startupTime;
    }

    public Template template() {
        return template;
    }

    List<HttpRoute> routes() {
        return routes.routes();
    }

    boolean runsRedis() {
        return redis != null;
    }

    List<EventSourcePoller> pollers() {
        return Collections.unmodifiableList(pollers);
    }

    /** Stops everything this stack started. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pollers.forEach(EventSourcePoller::signalStop);
        pollers.forEach(poller -> stopPart(poller.sourceType() + " poller " + poller.description(), poller));
        stopPart("HTTP API", httpApi);
        extraGateways.forEach(gateway -> stopPart("HTTP API " + gateway.url(), gateway));
        iamProxies.forEach(proxy -> stopPart("IAM proxy", proxy));
        cachesOutsideVpc.forEach((function, endpoint) -> stopPart(function + "'s cache endpoint outside the VPC", endpoint));
        stopPart("SQS client", sqs);
        stopPart("DynamoDB client", dynamoDb);
        stopPart("DynamoDB Streams client", dynamoDbStreams);
        stopPart("ElasticMQ", elasticMq);
        stopPart("Secrets Manager", secretsManager);
        stopPart("DynamoDB Local", dynamoDbLocal);
        stopPart("redis-server", redis);
        // The code jar's class loader stays open: the functions' own threads (e.g. a Redis client's
        // event loops) outlive this call and still load classes until the JVM ends.
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException exiting) {
            // close() called while the JVM is already shutting down: the hook runs anyway, harmlessly
            log.debug("JVM shutting down; the shutdown hook stays", exiting);
        }
    }

    /** The in-process parts end with the JVM; redis-server is the one that would outlive it. */
    private void closeOnJvmExit() {
        closed.set(true);
        if (redis != null) {
            redis.destroyNow();
        }
    }

    private void boot() {
        EmulatorLogging.quietSlf4jLoggers();
        registerFunctionNames();
        registerLogGroups();
        secretsManager = SecretsManagerServer.start(0, new LocalSecretsManager(options.region(), StackParameters.ACCOUNT_ID,
                Clock.systemUTC(), this::invokeRotation));
        createSecrets();
        List<Template.Resource> caches = deployed().stream().filter(resource -> CACHE_TYPES.contains(resource.type())).toList();
        try (ExecutorService startup = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> steps = new ArrayList<>();
            if (!caches.isEmpty()) {
                redis = new RedisServerProcess(RedisServerProcess.locateExecutable(options.redisExecutable()), FreePorts.pick());
                steps.add(startup.submit(() -> {
                    redis.start();
                    caches.forEach(this::registerCache);
                }));
            }
            Future<DynamoDbLocalServer> dynamoDbServer;
            Future<ElasticMqServer> sqsServer;
            if (options.externalAwsEndpoint() != null) {
                dynamoDbEndpoint = options.externalAwsEndpoint();
                sqsEndpoint = options.externalAwsEndpoint();
                dynamoDbServer = null;
                sqsServer = null;
            } else {
                dynamoDbServer = startup.submit(() -> FreePorts.startOnFreePort(DynamoDbLocalServer::start));
                sqsServer = startup.submit(() -> FreePorts.startOnFreePort(port -> ElasticMqServer.start(port, options.region())));
            }
            steps.add(startup.submit(() -> {
                if (dynamoDbServer != null) {
                    dynamoDbEndpoint = dynamoDbServer.get().endpoint();
                }
                dynamoDb = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint)
                        .region(Region.of(options.region())).credentialsProvider(localCredentials())
                        .httpClientBuilder(ApacheHttpClient.builder()).build();
                dynamoDbStreams = DynamoDbStreamsClient.builder().endpointOverride(dynamoDbEndpoint)
                        .region(Region.of(options.region())).credentialsProvider(localCredentials())
                        .httpClientBuilder(ApacheHttpClient.builder()).build();
                createTables();
                return null;
            }));
            steps.add(startup.submit(() -> {
                if (sqsServer != null) {
                    sqsEndpoint = sqsServer.get().endpoint();
                }
                sqs = SqsClient.builder().endpointOverride(sqsEndpoint)
                        .region(Region.of(options.region())).credentialsProvider(localCredentials())
                        .httpClientBuilder(ApacheHttpClient.builder()).build();
                createQueues();
                return null;
            }));
            if (dynamoDbServer != null) {
                steps.add(dynamoDbServer);
                steps.add(sqsServer);
            }
            try {
                awaitAll(steps);
            } finally {
                // whatever started must be known to close(), even when another part failed
                dynamoDbLocal = dynamoDbServer != null && dynamoDbServer.state() == Future.State.SUCCESS
                        ? dynamoDbServer.resultNow() : null;
                elasticMq = sqsServer != null && sqsServer.state() == Future.State.SUCCESS ? sqsServer.resultNow() : null;
            }
        }
        startIamProxies();
        createFunctions();
        checkEventSourcePermissions();
        rotateWhereScheduledToAtOnce();
        startHttpApi();
        startPollers();
    }

    private void startIamProxies() {
        if (!options.enforceIam()) {
            functionsDynamoDbEndpoint = dynamoDbEndpoint;
            functionsSqsEndpoint = sqsEndpoint;
            return;
        }
        functionsDynamoDbEndpoint = startIamProxy(AuthorizingProxy.dynamoDb(dynamoDbEndpoint, resourceArns, rolesByAccessKey, STACK_ACCESS_KEY));
        functionsSqsEndpoint = startIamProxy(AuthorizingProxy.sqs(sqsEndpoint, resourceArns, rolesByAccessKey, STACK_ACCESS_KEY));
    }

    private URI startIamProxy(AuthorizingProxy proxy) {
        LoopbackHttpServer server = LoopbackHttpServer.bind(InetAddress.getLoopbackAddress(), 0, 1024);
        iamProxies.add(() -> {
            server.close();
            proxy.close();
        });
        server.start(proxy);
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private List<Template.Resource> deployed() {
        return template.resources().values().stream()
                .filter(resource -> resource.condition() == null || evaluator.condition(resource.condition()))
                .toList();
    }

    private void registerFunctionNames() {
        for (Template.Resource resource : deployed()) {
            if (resource.type().equals(Template.SERVERLESS_FUNCTION)) {
                String name = evaluator.evaluateToString(resource.properties().get("FunctionName"));
                name = name != null ? name : options.stackName() + "-" + resource.logicalId();
                physical.register(resource.logicalId(), name, Map.of("Arn", functionArn(name)));
            }
        }
    }

    /** Log groups are not emulated (the functions write to stdout); their names are what {@code Ref} gives. */
    private void registerLogGroups() {
        for (Template.Resource resource : deployed()) {
            if (resource.type().equals(LOG_GROUP)) {
                String name = evaluator.evaluateToString(resource.properties().get("LogGroupName"));
                name = name != null ? name : options.stackName() + "-" + resource.logicalId();
                physical.register(resource.logicalId(), name, Map.of("Arn",
                        "arn:aws:logs:" + options.region() + ":" + StackParameters.ACCOUNT_ID + ":log-group:" + name + ":*"));
            }
        }
    }

    private void registerCache(Template.Resource cache) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String endpoint : CACHE_ENDPOINTS) {
            attributes.put(endpoint + ".Address", RedisServerProcess.HOST);
            attributes.put(endpoint + ".Port", String.valueOf(redis.port()));
        }
        String name = evaluator.evaluateToString(cache.properties().getOrDefault("ServerlessCacheName",
                cache.properties().getOrDefault("ReplicationGroupId", cache.properties().get("ClusterName"))));
        name = name != null ? name : options.stackName() + "-" + cache.logicalId();
        attributes.put("ARN", "arn:aws:elasticache:" + options.region() + ":" + StackParameters.ACCOUNT_ID + ":serverlesscache:" + name);
        physical.register(cache.logicalId(), name, attributes);
    }

    private void createTables() {
        for (Template.Resource table : deployed()) {
            if (table.type().equals(Template.DYNAMODB_TABLE)) {
                TableDefinition definition = TableDefinition.from(table, evaluator, options.stackName());
                String streamArn = definition.createIn(dynamoDb);
                String arn = definition.arn(options.region());
                // the stream's own ARN, as the endpoint made it: the one its streams API knows
                physical.register(table.logicalId(), definition.tableName(),
                        streamArn == null ? Map.of("Arn", arn) : Map.of("Arn", arn, "StreamArn", streamArn));
            }
        }
    }

    private void createQueues() {
        List<Template.Resource> queues = deployed().stream().filter(resource -> resource.type().equals(Template.SQS_QUEUE)).toList();
        for (Template.Resource queue : QueueDefinition.inDependencyOrder(queues)) {
            QueueDefinition definition = QueueDefinition.from(queue, evaluator, options.stackName());
            QueueDefinition.CreatedQueue created = definition.createIn(sqs);
            queueUrlsByArn.put(created.arn(), created.url());
            resourceArns.registerQueue(created.url(), created.arn());
            physical.register(queue.logicalId(), created.url(),
                    Map.of("Arn", created.arn(), "QueueName", definition.queueName(), "QueueUrl", created.url()));
        }
    }

    /** The template's secrets (their ARN is what {@code Ref} gives) and their rotation schedules. */
    private void createSecrets() {
        for (Template.Resource resource : deployed()) {
            if (resource.type().equals(Template.SECRETS_MANAGER_SECRET)) {
                SecretDefinition definition = SecretDefinition.from(resource, evaluator, options.stackName());
                String arn = secretsManager.secrets().create(definition.name(), definition.description(), definition.secretString());
                physical.register(resource.logicalId(), arn, Map.of("Id", arn));
            }
        }
        for (Template.Resource resource : deployed()) {
            if (resource.type().equals(Template.SECRETS_MANAGER_ROTATION_SCHEDULE)) {
                RotationScheduleDefinition schedule = RotationScheduleDefinition.from(resource, evaluator);
                secretsManager.secrets().configureRotation(schedule.secretId(), schedule.rotationLambdaArn(), schedule.rules());
                rotationSchedules.add(schedule);
                physical.register(resource.logicalId(), schedule.secretId(), Map.of());
            }
        }
    }

    /** CloudFormation rotates a secret when it makes its schedule, unless {@code RotateImmediatelyOnUpdate} is false. */
    private void rotateWhereScheduledToAtOnce() {
        for (RotationScheduleDefinition schedule : rotationSchedules) {
            if (schedule.rotateImmediately()) {
                rotateSecret(schedule.secretId());
            }
        }
    }

    /**
     * Secrets Manager invoking a rotation function: only one that the template lets {@code secretsmanager.amazonaws.com}
     * invoke (an {@code AWS::Lambda::Permission}, for this secret when it names a source), as on AWS.
     */
    private void invokeRotation(String functionArn, Map<String, String> event) {
        String unqualified = functionArn.split(":").length > 7
                ? functionArn.substring(0, functionArn.lastIndexOf(':')) : functionArn;
        LocalFunction function = functions.values().stream().filter(candidate -> candidate.arn().equals(unqualified))
                .findFirst().orElseThrow(() -> new SecretsManagerException("InvalidRequestException",
                        "Secrets Manager cannot invoke the specified Lambda function: " + functionArn + " does not exist"));
        if (!secretsManagerMayInvoke(function, event.get("SecretId"))) {
            throw new SecretsManagerException("AccessDeniedException", "Secrets Manager cannot invoke the specified Lambda"
                    + " function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.");
        }
        function.invoke(event);
    }

    private boolean secretsManagerMayInvoke(LocalFunction function, String secretArn) {
        for (Template.Resource resource : deployed()) {
            if (!resource.type().equals(Template.LAMBDA_PERMISSION)) {
                continue;
            }
            ResourceProperties permission = ResourceProperties.of(resource.logicalId(), evaluator.evaluate(resource.properties()));
            String target = permission.string("FunctionName", "");
            String action = permission.string("Action", "");
            boolean names = target.equals(function.arn()) || target.equals(function.definition().functionName())
                    || target.startsWith(function.arn() + ":");
            if (names && "secretsmanager.amazonaws.com".equals(permission.string("Principal"))
                    && (action.equals("lambda:InvokeFunction") || action.equals("lambda:*"))
                    && (!permission.has("SourceArn") || permission.string("SourceArn").equals(secretArn))) {
                return true;
            }
        }
        return false;
    }

    private void createFunctions() {
        ClassLoader handlers = handlerClassLoader();
        for (Template.Resource resource : deployed()) {
            if (resource.type().equals(Template.SERVERLESS_FUNCTION)) {
                FunctionDefinition definition = FunctionDefinition.from(resource, asSeenBy(resource), options.stackName());
                FunctionRole role = functionRole(resource, definition);
                rolesByFunction.put(resource.logicalId(), role);
                if (options.enforceIam()) {
                    rolesByAccessKey.put(role.credentials().accessKeyId(), role);
                }
                functions.put(resource.logicalId(), new LocalFunction(definition, lambdaEnvironment(definition, role), handlers,
                        functionArn(definition.functionName())));
            }
        }
        if (options.eagerInit()) {
            functions.values().forEach(LocalFunction::initialize);
        }
    }

    /**
     * How a function sees the template's resources: the cache lives in the VPC, so a function without {@code VpcConfig}
     * cannot reach it, as on AWS. Its cache endpoints (address and port) name an {@link UnreachableEndpoint} of its
     * own instead of redis-server; everything else it sees as every function does.
     */
    private IntrinsicEvaluator asSeenBy(Template.Resource function) {
        if (redis == null || evaluator.evaluate(function.properties().get("VpcConfig")) != null) {
            return evaluator;
        }
        Set<String> caches = new HashSet<>();
        deployed().stream().filter(resource -> CACHE_TYPES.contains(resource.type())).forEach(cache -> caches.add(cache.logicalId()));
        UnreachableEndpoint unreachable = cachesOutsideVpc.computeIfAbsent(function.logicalId(), UnreachableEndpoint::open);
        return evaluator.withResources(new ResourceAttributes() {
            @Override
            public String ref(String logicalId) {
                return physical.ref(logicalId);
            }

            @Override
            public String attribute(String logicalId, String attribute) {
                if (caches.contains(logicalId) && attribute.endsWith(".Address")) {
                    return unreachable.host();
                }
                if (caches.contains(logicalId) && attribute.endsWith(".Port")) {
                    return String.valueOf(unreachable.port());
                }
                return physical.attribute(logicalId, attribute);
            }
        });
    }

    /**
     * Connections each function outside the VPC (no {@code VpcConfig}) made to the cache endpoint it was given, by
     * function logical id: on AWS each would have timed out. Zero for a function that never tried.
     */
    public Map<String, Integer> cacheConnectionsFromOutsideTheVpc() {
        Map<String, Integer> attempts = new LinkedHashMap<>();
        cachesOutsideVpc.forEach((function, endpoint) -> attempts.put(function, endpoint.attempts()));
        return attempts;
    }

    /** The function's execution role: the one SAM makes from its Policies, or the template's role its Role names. */
    private FunctionRole functionRole(Template.Resource resource, FunctionDefinition definition) {
        String logicalId = resource.logicalId();
        RolePolicies roles = new RolePolicies(resourceArns, warning -> log.warn("{}: {}", logicalId, warning));
        Map<String, Object> raw = resource.properties();
        Object role = raw.get("Role");
        IdentityPolicy policy;
        String roleName;
        if (role == null) {
            policy = roles.samFunctionRole(logicalId, evaluator.evaluate(raw.get("Policies")), raw.get("VpcConfig") != null,
                    eventSources(logicalId, raw));
            roleName = FunctionRole.samRoleName(options.stackName(), logicalId);
        } else if (templateRole(role) != null) {
            Template.Resource iamRole = template.resource(templateRole(role));
            ResourceProperties properties = ResourceProperties.of(iamRole.logicalId(), evaluator.evaluate(iamRole.properties()));
            policy = roles.iamRole(iamRole.logicalId(), properties.values());
            roleName = properties.string("RoleName", options.stackName() + "-" + iamRole.logicalId() + "-local");
        } else {
            String arn = evaluator.evaluateToString(role);
            log.warn("{}: its Role {} is not an AWS::IAM::Role of the template, so what it allows is not known here: "
                    + "its calls are not checked", logicalId, arn);
            policy = IdentityPolicy.unrestricted();
            roleName = arn.substring(arn.lastIndexOf('/') + 1);
        }
        return new FunctionRole(logicalId, definition.functionName(), roleName, policy, TemporaryCredentials.issue());
    }

    /** The logical id of the AWS::IAM::Role a function's {@code Role: !GetAtt R.Arn} names; null for any other Role. */
    private String templateRole(Object role) {
        if (role instanceof Intrinsic(String function, Object argument) && function.equals(Intrinsic.GET_ATT)
                && argument instanceof List<?> parts && parts.size() == 2 && "Arn".equals(String.valueOf(parts.get(1)))) {
            Template.Resource named = template.resources().get(String.valueOf(parts.getFirst()));
            return named != null && named.type().equals("AWS::IAM::Role") ? named.logicalId() : null;
        }
        return null;
    }

    /** Each event source's type and its OnFailure destination, as SAM reads them to make the role. */
    private List<RolePolicies.EventSource> eventSources(String logicalId, Map<String, Object> raw) {
        List<RolePolicies.EventSource> sources = new ArrayList<>();
        if (raw.get("Events") instanceof Map<?, ?> events) {
            events.forEach((name, declaration) -> {
                ResourceProperties event = ResourceProperties.of(logicalId + ".Events." + name, evaluator.evaluate(declaration));
                ResourceProperties onFailure = event.nested("Properties").nested("DestinationConfig").nested("OnFailure");
                sources.add(new RolePolicies.EventSource(event.string("Type"), onFailure.string("Type"), onFailure.string("Destination")));
            });
        }
        return sources;
    }

    /** What Lambda's CreateEventSourceMapping refuses when a role could not poll: the start fails, as the deploy would. */
    private void checkEventSourcePermissions() {
        if (!options.enforceIam()) {
            return;
        }
        List<String> refused = new ArrayList<>();
        for (LocalFunction function : functions.values()) {
            FunctionRole role = rolesByFunction.get(function.definition().logicalId());
            String owner = function.definition().logicalId() + ".Events.";
            for (FunctionDefinition.SqsEventSource source : function.definition().sqsEventSources()) {
                EventSourcePermissions.sqsQueue(role, source.queueArn())
                        .ifPresent(problem -> refused.add(owner + source.eventName() + ": " + problem));
            }
            for (FunctionDefinition.DynamoDbEventSource source : function.definition().dynamoDbEventSources()) {
                EventSourcePermissions.dynamoDbStream(role, source.streamArn(), resourceArns)
                        .ifPresent(problem -> refused.add(owner + source.eventName() + ": " + problem));
                if (source.onFailureDestinationArn() != null && source.onFailureDestinationArn().startsWith("arn:aws:sqs:")) {
                    EventSourcePermissions.onFailureQueue(role, source.onFailureDestinationArn())
                            .ifPresent(problem -> refused.add(owner + source.eventName() + " (OnFailure " + source.onFailureDestinationArn()
                                    + "): " + problem));
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException("event source mappings that AWS would refuse to create (the function's role "
                    + "may not poll them):\n  " + String.join("\n  ", refused));
        }
    }

    /** The template's variables plus what Lambda sets itself (the role's credentials), and where the local AWS services are. */
    private Map<String, String> lambdaEnvironment(FunctionDefinition function, FunctionRole role) {
        Map<String, String> environment = new LinkedHashMap<>(function.variables());
        environment.put("AWS_REGION", options.region());
        environment.put("AWS_DEFAULT_REGION", options.region());
        if (options.enforceIam()) {
            environment.put("AWS_ACCESS_KEY_ID", role.credentials().accessKeyId());
            environment.put("AWS_SECRET_ACCESS_KEY", role.credentials().secretAccessKey());
            environment.put("AWS_SESSION_TOKEN", role.credentials().sessionToken());
        } else {
            environment.put("AWS_ACCESS_KEY_ID", STACK_ACCESS_KEY);
            environment.put("AWS_SECRET_ACCESS_KEY", STACK_ACCESS_KEY);
        }
        environment.put("AWS_LAMBDA_FUNCTION_NAME", function.functionName());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memorySizeMb()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.putIfAbsent("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.functionName());
        if (!function.runtime().isEmpty()) {
            environment.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        }
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", functionsDynamoDbEndpoint.toString());
        environment.put("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", functionsDynamoDbEndpoint.toString());
        environment.put("AWS_ENDPOINT_URL_SQS", functionsSqsEndpoint.toString());
        environment.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManager.endpoint().toString());
        return environment;
    }

    private ClassLoader handlerClassLoader() {
        if (options.codeJar() == null) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : LocalStack.class.getClassLoader();
        }
        try {
            // parent-first, like the classpath of a Lambda function: the jar's own classes come after ours
            codeLoader = new URLClassLoader("code-jar", new URL[] {options.codeJar().toUri().toURL()},
                    ClassLoader.getSystemClassLoader());
            return codeLoader;
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad code jar path " + options.codeJar(), e);
        }
    }

    private void startHttpApi() {
        List<HttpRoute> all = new ArrayList<>();
        for (LocalFunction function : functions.values()) {
            for (FunctionDefinition.HttpApiEvent event : function.definition().httpApiEvents()) {
                all.add(new HttpRoute(event.method(), event.path(), function, authorization(function, event)));
            }
        }
        routes = new RouteTable(all);
        apiId = template.resourcesOfType(Template.SERVERLESS_HTTP_API).stream()
                .map(api -> physical.ref(api.logicalId())).findFirst().orElse("local-ServerlessHttpApi");
        if (options.authMode() == AuthMode.JWT) {
            jwtKey = options.jwtKey() != null ? options.jwtKey() : LocalJwtKey.generate();
        }
        RouteAuthorizer authorizer = RouteAuthorizer.forMode(options.authMode(), options.devAdmin(), options.devAdminGroup(),
                jwtKey, Clock.systemUTC());
        if (options.site() != null) {
            site = LocalSite.fromTemplate(template, options.site());
            if (site == null) {
                log.warn("the template has no {}: the site folder {} is not served", LocalSite.DISTRIBUTION, options.site());
            }
        }
        httpApi = LocalHttpApi.start(options.port(), routes, authorizer, apiId, jwtKey == null ? null : jwtKey.jwks(),
                site, signIn(options.authMode(), jwtKey));
    }

    /** The pages' sign-in: in JWT mode it mints tokens for the issuer and audience the routes' authorizer trusts. */
    private LocalSignIn signIn(AuthMode mode, LocalJwtKey key) {
        if (mode != AuthMode.JWT) {
            return new LocalSignIn(null);
        }
        HttpRoute.Authorization authorization = routes.routes().stream().map(HttpRoute::authorization)
                .filter(java.util.Objects::nonNull).filter(a -> a.issuer() != null && !a.audiences().isEmpty())
                .findFirst().orElse(null);
        if (authorization == null) {
            return new LocalSignIn(null);
        }
        return new LocalSignIn(new LocalTokenIssuer(key, authorization.issuer(), authorization.audiences().getFirst(),
                options.devAdminGroup(), Clock.systemUTC()));
    }

    /** The JWT authorizer of an HttpApi event: its own Auth.Authorizer, else its API's DefaultAuthorizer. */
    private HttpRoute.Authorization authorization(LocalFunction function, FunctionDefinition.HttpApiEvent event) {
        if ("NONE".equals(event.authorizer()) || event.apiLogicalId() == null
                || !template.resources().containsKey(event.apiLogicalId())) {
            return null;
        }
        ResourceProperties auth = ResourceProperties.of(event.apiLogicalId(),
                evaluator.evaluate(template.resource(event.apiLogicalId()).properties())).nested("Auth");
        String name = event.authorizer() != null ? event.authorizer() : auth.string("DefaultAuthorizer");
        if (name == null) {
            return null;
        }
        ResourceProperties authorizer = auth.nested("Authorizers").nested(name);
        if (!authorizer.has("JwtConfiguration")) {
            log.warn("{}.{}: authorizer {} is not a JWT authorizer; the local route is open",
                    function.definition().logicalId(), event.eventName(), name);
            return null;
        }
        ResourceProperties jwt = authorizer.nested("JwtConfiguration");
        String identitySource = authorizer.strings("IdentitySource").stream().findFirst().orElse(DEFAULT_IDENTITY_SOURCE);
        String identityHeader = null;
        if (identitySource.startsWith(HEADER_IDENTITY_SOURCE)) {
            identityHeader = identitySource.substring(HEADER_IDENTITY_SOURCE.length());
        } else if (options.authMode() == AuthMode.JWT) {
            log.warn("{}: the local gateway reads JWTs from a header ($request.header.NAME), not {}; every token is refused",
                    name, identitySource);
        }
        return new HttpRoute.Authorization(name, event.authorizationScopes(), jwt.string("issuer"),
                jwt.strings("audience"), identityHeader);
    }

    private void startPollers() {
        for (LocalFunction function : functions.values()) {
            for (FunctionDefinition.SqsEventSource source : function.definition().sqsEventSources()) {
                if (source.enabled()) {
                    startPoller(new SqsEventSourcePoller(source, queueUrl(source.queueArn()), function, sqs, options.region()));
                }
            }
            for (FunctionDefinition.DynamoDbEventSource source : function.definition().dynamoDbEventSources()) {
                if (source.enabled()) {
                    startPoller(new DynamoDbStreamPoller(source, function, dynamoDbStreams, sqs,
                            onFailureQueueUrl(function, source), options.region(), Clock.systemUTC()));
                }
            }
        }
    }

    private void startPoller(EventSourcePoller poller) {
        pollers.add(poller);
        poller.start(!options.pollers());
    }

    /** The OnFailure destination's queue URL; null without one, or for an SNS topic, which is not emulated. */
    private String onFailureQueueUrl(LocalFunction function, FunctionDefinition.DynamoDbEventSource source) {
        String destination = source.onFailureDestinationArn();
        if (destination == null) {
            return null;
        }
        if (!destination.startsWith("arn:aws:sqs:")) {
            log.warn("{}.{}: the OnFailure destination {} is not an SQS queue; locally discarded records are only logged",
                    function.definition().logicalId(), source.eventName(), destination);
            return null;
        }
        return queueUrl(destination);
    }

    private String queueUrl(String arn) {
        String known = queueUrlsByArn.get(arn);
        if (known != null) {
            return known;
        }
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        return sqs.getQueueUrl(get -> get.queueName(name)).queueUrl();
    }

    private LocalFunction function(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in the template; functions: " + functions.keySet());
        }
        return function;
    }

    private RedisServerProcess requireRedis() {
        if (redis == null) {
            throw new IllegalStateException("the template declares no ElastiCache resource, so no redis-server runs");
        }
        return redis;
    }

    private String functionArn(String functionName) {
        return "arn:aws:lambda:" + options.region() + ":" + StackParameters.ACCOUNT_ID + ":function:" + functionName;
    }

    private static StaticCredentialsProvider localCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(STACK_ACCESS_KEY, STACK_ACCESS_KEY));
    }

    private static void awaitAll(List<Future<?>> steps) {
        RuntimeException failure = null;
        for (Future<?> step : steps) {
            try {
                step.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException("starting the local stack failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the local stack", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void stopPart(String what, AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            log.warn("stopping {} failed", what, e);
        }
    }
}
