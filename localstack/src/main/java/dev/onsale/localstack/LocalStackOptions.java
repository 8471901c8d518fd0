package dev.onsale.localstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a template locally. Build with {@link #builder()}; every option has a default but the template.
 *
 * @param template           the SAM template to run
 * @param port               the local HTTP API's port on 127.0.0.1; 0 picks a free one (default 8000)
 * @param parameterOverrides template parameter values, e.g. {@code CacheTls=false}
 * @param authMode           how guarded routes get their authorizer claims (default {@link AuthMode#DEV})
 * @param devAdmin           in dev mode, whether every caller is in the admin group (default true)
 * @param devAdminGroup      the admin group name dev mode puts in {@code cognito:groups} (default "admin")
 * @param codeJar            the functions' jar; null loads handlers from this JVM's classpath
 * @param externalAwsEndpoint an AWS endpoint (e.g. LocalStack's) that already serves DynamoDB and SQS;
 *                           null runs DynamoDB Local and ElasticMQ in this JVM
 * @param pollers            whether the event sources (SQS queues, DynamoDB streams) poll from the start
 *                           (default true); they can be resumed later with {@link LocalStack#resumePollers()}
 * @param eagerInit          create every handler instance at start, so init errors show at once (default
 *                           true); false creates each on its first invocation
 * @param stackName          AWS::StackName, and the prefix of generated resource names (default "onsale-local")
 * @param region             AWS::Region (default "us-east-1")
 * @param redisExecutable    the redis-server to run; null prefers the PATH's, then embedded-redis's
 * @param jwtKey             in JWT mode, the local issuer's key the gateway trusts; null generates one at
 *                           start (see {@link LocalStack#jwtKey()})
 * @param enforceIam         check every DynamoDB and SQS call of a function against its role's policies from
 *                           the template and refuse what they do not allow, as AWS does (default true); false
 *                           lets every function do anything
 * @param site               the folder the template's CloudFront distribution serves from its S3 origin: the
 *                           gateway answers the paths its cache behaviours do not send to the API from there
 *                           (null: the API alone)
 */
public record LocalStackOptions(Path template, int port, Map<String, String> parameterOverrides, AuthMode authMode,
                                boolean devAdmin, String devAdminGroup, Path codeJar, URI externalAwsEndpoint,
                                boolean pollers, boolean eagerInit, String stackName, String region,
                                Path redisExecutable, LocalJwtKey jwtKey, boolean enforceIam, Path site) {

    public static final int DEFAULT_PORT = 8000;
    public static final String DEFAULT_STACK_NAME = "onsale-local";
    public static final String DEFAULT_REGION = "us-east-1";

    public LocalStackOptions {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(authMode, "authMode");
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        parameterOverrides = Map.copyOf(parameterOverrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path template;
        private int port = DEFAULT_PORT;
        private final Map<String, String> parameterOverrides = new LinkedHashMap<>();
        private AuthMode authMode = AuthMode.DEV;
        private boolean devAdmin = true;
        private String devAdminGroup = "admin";
        private Path codeJar;
        private URI externalAwsEndpoint;
        private boolean pollers = true;
        private boolean eagerInit = true;
        private String stackName = DEFAULT_STACK_NAME;
        private String region = DEFAULT_REGION;
        private Path redisExecutable;
        private LocalJwtKey jwtKey;
        private boolean enforceIam = true;
        private Path site;

        private Builder() {}

        public Builder template(Path template) {
            this.template = template;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Adds to the overrides given so far. */
        public Builder parameterOverrides(Map<String, String> overrides) {
            this.parameterOverrides.putAll(overrides);
            return this;
        }

        public Builder parameterOverride(String name, String value) {
            this.parameterOverrides.put(name, value);
            return this;
        }

        public Builder authMode(AuthMode authMode) {
            this.authMode = authMode;
            return this;
        }

        public Builder devAdmin(boolean devAdmin) {
            this.devAdmin = devAdmin;
            return this;
        }

        public Builder devAdminGroup(String devAdminGroup) {
            this.devAdminGroup = devAdminGroup;
            return this;
        }

        public Builder codeJar(Path codeJar) {
            this.codeJar = codeJar;
            return this;
        }

        public Builder externalAwsEndpoint(URI externalAwsEndpoint) {
            this.externalAwsEndpoint = externalAwsEndpoint;
            return this;
        }

        public Builder pollers(boolean pollers) {
            this.pollers = pollers;
            return this;
        }

        public Builder eagerInit(boolean eagerInit) {
            this.eagerInit = eagerInit;
            return this;
        }

        public Builder stackName(String stackName) {
            this.stackName = stackName;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder redisExecutable(Path redisExecutable) {
            this.redisExecutable = redisExecutable;
            return this;
        }

        public Builder jwtKey(LocalJwtKey jwtKey) {
            this.jwtKey = jwtKey;
            return this;
        }

        public Builder enforceIam(boolean enforceIam) {
            this.enforceIam = enforceIam;
            return this;
        }

        public Builder site(Path site) {
            this.site = site;
            return this;
        }

        public LocalStackOptions build() {
            return new LocalStackOptions(template, port, parameterOverrides, authMode, devAdmin, devAdminGroup, codeJar,
                    externalAwsEndpoint, pollers, eagerInit, stackName, region, redisExecutable, jwtKey, enforceIam, site);
        }
    }
}
