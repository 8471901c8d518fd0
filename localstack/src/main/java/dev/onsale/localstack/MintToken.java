package dev.onsale.localstack;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints a token of the local issuer for one user, for the gateway's JWT mode ({@code scripts/token}).
 *
 * <pre>
 * java -cp ... dev.onsale.localstack.MintToken 42 --admin --ttl 3600 \
 *     --issuer http://127.0.0.1/onsale-local-issuer --audience onsale --keys .onsale/jwt
 * </pre>
 */
@Command(name = "scripts/token", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a token of the local issuer for one user, for the gateway's JWT mode.")
public final class MintToken {
    @Parameters(index = "0", paramLabel = "USER_ID", description = "the token's sub: who the caller is")
    private String userId;

    @Option(names = "--admin", description = "put the caller in the admin group (cognito:groups)")
    private boolean admin;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600", description = "seconds the token is good for (default ${DEFAULT-VALUE})")
    private long ttlSeconds;

    @Option(names = "--expired", description = "a token that expired an hour ago")
    private boolean expired;

    @Option(names = "--issuer", required = true, paramLabel = "ISS", description = "iss: the template's JwtIssuer")
    private String issuer;

    @Option(names = "--audience", required = true, paramLabel = "AUD", description = "aud: one of the template's JwtAudience")
    private String audience;

    @Option(names = "--admin-group", paramLabel = "GROUP", defaultValue = "admin", description = "the template's AdminGroup (default ${DEFAULT-VALUE})")
    private String adminGroup;

    @Option(names = "--keys", paramLabel = "DIR", defaultValue = Main.DEFAULT_JWT_KEYS_DIR,
            description = "the local issuer's key directory (default ${DEFAULT-VALUE}), shared with the gateway")
    private Path keys;

    private MintToken() {}

    record Request(String userId, boolean admin, Duration ttl, boolean expired, String issuer, String audience,
                   String adminGroup, Path keys) {}

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new MintToken());
        Request request;
        try {
            request = parse(command, args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            command.usage(System.err);
            System.exit(2);
            return;
        }
        if (request == null) {
            return; // --help or --version was answered
        }
        System.out.println(mint(request, Clock.systemUTC()));
    }

    static String mint(Request request, Clock clock) {
        LocalTokenIssuer issuer = new LocalTokenIssuer(LocalJwtKey.loadOrCreate(request.keys()), request.issuer(),
                request.audience(), request.adminGroup(), clock);
        return request.expired()
                ? issuer.expiredToken(request.userId(), request.admin())
                : issuer.token(request.userId(), request.admin(), request.ttl());
    }

    /** The request the arguments make; a bad argument is an {@link IllegalArgumentException} naming it. */
    static Request parse(String... args) {
        try {
            return parse(new CommandLine(new MintToken()), args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** null when the arguments asked for help or the version, which picocli printed. */
    private static Request parse(CommandLine command, String... args) {
        CommandLine.ParseResult parsed = command.parseArgs(args);
        if (CommandLine.printHelpIfRequested(parsed)) {
            return null;
        }
        MintToken options = command.getCommand();
        if (options.userId.isBlank()) {
            throw new CommandLine.ParameterException(command, "USER_ID must not be blank");
        }
        if (options.ttlSeconds <= 0) {
            throw new CommandLine.ParameterException(command, "--ttl wants a positive number of seconds, got " + options.ttlSeconds);
        }
        return new Request(options.userId, options.admin, Duration.ofSeconds(options.ttlSeconds), options.expired,
                options.issuer, options.audience, options.adminGroup, options.keys);
    }
}
