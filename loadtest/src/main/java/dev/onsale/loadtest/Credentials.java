package dev.onsale.loadtest;

import dev.onsale.localstack.LocalJwtKey;
import dev.onsale.localstack.LocalTokenIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a load-test caller says who it is: the dev-mode gateway's {@code ?user_id=N}, or, in JWT mode, a bearer
 * token of the local issuer (what {@code scripts/token} prints), signed with the key the gateway checks against.
 */
sealed interface Credentials {

    /** {@code target} (a path with or without a query) as {@code user} sends it. */
    String target(String target, String user);

    /** The headers that sign {@code user} in, then {@code more}. */
    String[] headers(String user, String... more);

    /** Dev mode: the user is a query parameter and every caller is an admin. */
    static Credentials dev() {
        return new Dev();
    }

    /**
     * JWT mode: tokens of the issuer and audience in {@code parameters} (the template's JwtIssuer and first
     * JwtAudience, AdminGroup or {@code admin}), signed with the key kept in {@code keys}; {@code admins} get the
     * admin group.
     */
    static Credentials jwt(Path parameters, Path keys, Set<String> admins) throws IOException {
        Map<String, String> values = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(parameters)) {
            int equals = line.indexOf('=');
            if (!line.strip().startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        String issuer = values.get("JwtIssuer");
        String audience = values.getOrDefault("JwtAudience", "").split(",")[0].strip();
        if (issuer == null || audience.isEmpty()) {
            throw new IOException(parameters + " names no JwtIssuer or JwtAudience: JWT mode needs both");
        }
        return new Jwt(new LocalTokenIssuer(LocalJwtKey.loadOrCreate(keys), issuer, audience,
                values.getOrDefault("AdminGroup", "admin"), Clock.systemUTC()), Set.copyOf(admins));
    }

    record Dev() implements Credentials {
        @Override
        public String target(String target, String user) {
            return target + (target.indexOf('?') < 0 ? '?' : '&') + "user_id=" + user;
        }

        @Override
        public String[] headers(String user, String... more) {
            return more;
        }
    }

    /** Each user's token is minted once (RS256: about a millisecond of CPU) and good for two hours. */
    final class Jwt implements Credentials {
        private static final Duration TOKEN_TTL = Duration.ofHours(2);

        private final LocalTokenIssuer issuer;
        private final Set<String> admins;
        private final Map<String, String> authorization = new ConcurrentHashMap<>();

        private Jwt(LocalTokenIssuer issuer, Set<String> admins) {
            this.issuer = issuer;
            this.admins = admins;
        }

        /** Mints the tokens of {@code users} now, on every core, so that minting is not part of what is measured. */
        void mint(Collection<String> users) {
            users.parallelStream().forEach(this::authorization);
        }

        @Override
        public String target(String target, String user) {
            return target;
        }

        @Override
        public String[] headers(String user, String... more) {
            String[] headers = Arrays.copyOf(more, more.length + 1);
            headers[more.length] = authorization(user);
            return headers;
        }

        private String authorization(String user) {
            return authorization.computeIfAbsent(user,
                    u -> "Authorization: Bearer " + issuer.token(u, admins.contains(u), TOKEN_TTL));
        }
    }
}
