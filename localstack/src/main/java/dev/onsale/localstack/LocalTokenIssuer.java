package dev.onsale.localstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints the tokens a real identity provider (a Cognito user pool, say) would give a signed-in user, signed
 * by the local issuer's key, for the gateway's JWT mode and {@code scripts/token}. An admin's token carries
 * the admin group in {@code cognito:groups}, where the functions look for it.
 */
public final class LocalTokenIssuer {

    private final LocalJwtKey key;
    private final String issuer;
    private final String audience;
    private final String adminGroup;
    private final Clock clock;

    /**
     * @param issuer     {@code iss}: the template's JwtIssuer
     * @param audience   {@code aud}: one of the template's JwtAudience
     * @param adminGroup the group that grants the admin routes (the template's AdminGroup)
     */
    public LocalTokenIssuer(LocalJwtKey key, String issuer, String audience, String adminGroup, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.adminGroup = Objects.requireNonNull(adminGroup, "adminGroup");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for {@code userId}, good for {@code ttl} from now. */
    public String token(String userId, boolean admin, Duration ttl) {
        return key.mint(claims(userId, admin, clock.instant(), ttl));
    }

    /** A token for {@code userId} that expired an hour ago (it was good for an hour before that). */
    public String expiredToken(String userId, boolean admin) {
        return key.mint(claims(userId, admin, clock.instant().minus(Duration.ofHours(2)), Duration.ofHours(1)));
    }

    /** The claims {@link #token} signs; tests change them (another iss, no exp, ...) and sign with the key. */
    public ObjectNode claims(String userId, boolean admin, Instant issuedAt, Duration ttl) {
        ObjectNode claims = LambdaJson.mapper().createObjectNode()
                .put("iss", issuer)
                .put("aud", audience)
                .put("sub", userId)
                .put("token_use", "access")
                .put("iat", issuedAt.getEpochSecond())
                .put("exp", issuedAt.plus(ttl).getEpochSecond())
                .put("jti", UUID.randomUUID().toString());
        if (admin) {
            claims.putArray("cognito:groups").add(adminGroup);
        }
        return claims;
    }

    public LocalJwtKey key() {
        return key;
    }
}
