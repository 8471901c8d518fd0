package dev.onsale.testing;

import dev.onsale.localstack.AuthMode;
import dev.onsale.localstack.LocalJwtKey;
import dev.onsale.localstack.LocalTokenIssuer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@link EmbeddedStack}'s routes and functions behind a second gateway in JWT mode, as API Gateway's JWT
 * authorizer would guard them: started once per test JVM on a free port, trusting a key generated for this
 * JVM. The data is the embedded stack's, so each test makes its own events and users, as everywhere.
 */
public final class JwtStack {
    private static URI url;
    private static LocalTokenIssuer tokens;

    private JwtStack() {
    }

    /** The JWT-mode gateway, e.g. {@code http://127.0.0.1:40123}. */
    public static synchronized URI gatewayUrl() {
        if (url == null) {
            Map<String, String> parameters = EmbeddedStack.parameters();
            LocalJwtKey key = LocalJwtKey.generate();
            url = EmbeddedStack.get().startGateway(AuthMode.JWT, key);
            tokens = new LocalTokenIssuer(key, parameters.get("JwtIssuer"), parameters.get("JwtAudience").split(",")[0].trim(),
                    parameters.getOrDefault("AdminGroup", "admin"), Clock.systemUTC());
        }
        return url;
    }

    /** Mints tokens the JWT-mode gateway accepts (or, expired or changed, refuses). */
    public static synchronized LocalTokenIssuer tokens() {
        gatewayUrl();
        return tokens;
    }

    /** {@code Authorization} header value for a user's good token (an hour long). */
    public static String bearer(String userId, boolean admin) {
        return "Bearer " + tokens().token(userId, admin, Duration.ofHours(1));
    }
}
