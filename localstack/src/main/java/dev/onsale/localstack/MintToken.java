package dev.onsale.localstack;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Prints a token of the local issuer for one user, for the gateway's JWT mode ({@code scripts/token}).
 *
 * <pre>
 * java -cp ... dev.onsale.localstack.MintToken 42 --admin --ttl 3600 \
 *     --issuer http://127.0.0.1/onsale-local-issuer --audience onsale --keys .onsale/jwt
 * </pre>
 */
public final class MintToken {

    static final String USAGE = """
            usage: MintToken USER_ID [--admin] [--ttl SECONDS] [--expired] --issuer ISS --audience AUD
                             [--admin-group GROUP] [--keys DIR]
              USER_ID        the token's sub: who the caller is
              --admin        put the caller in the admin group (cognito:groups)
              --ttl          seconds the token is good for (default 3600)
              --expired      a token that expired an hour ago
              --issuer       iss: the template's JwtIssuer
              --audience     aud: one of the template's JwtAudience
              --admin-group  the template's AdminGroup (default admin)
              --keys         the local issuer's key directory (default .onsale/jwt), shared with the gateway
            """;

    private MintToken() {}

    record Request(String userId, boolean admin, Duration ttl, boolean expired, String issuer, String audience,
                   String adminGroup, Path keys) {}

    public static void main(String[] args) {
        Request request;
        try {
            request = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
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

    static Request parse(String... args) {
        String userId = null;
        boolean admin = false;
        boolean expired = false;
        Duration ttl = Duration.ofHours(1);
        String issuer = null;
        String audience = null;
        String adminGroup = "admin";
        Path keys = Main.DEFAULT_JWT_KEYS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--admin" -> admin = true;
                case "--expired" -> expired = true;
                case "--ttl" -> ttl = Duration.ofSeconds(seconds(value(args, ++i)));
                case "--issuer" -> issuer = value(args, ++i);
                case "--audience" -> audience = value(args, ++i);
                case "--admin-group" -> adminGroup = value(args, ++i);
                case "--keys" -> keys = Path.of(value(args, ++i));
                default -> {
                    if (args[i].startsWith("--") || userId != null) {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                    userId = args[i];
                }
            }
        }
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("USER_ID is required");
        }
        if (issuer == null || audience == null) {
            throw new IllegalArgumentException("--issuer and --audience are required");
        }
        return new Request(userId, admin, ttl, expired, issuer, audience, adminGroup, keys);
    }

    private static long seconds(String text) {
        try {
            long seconds = Long.parseLong(text);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("--ttl wants a positive number of seconds, got " + text);
    }

    private static String value(String[] args, int index) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }
}
