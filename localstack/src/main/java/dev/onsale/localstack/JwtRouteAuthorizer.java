package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * JWT mode: the route's JWT authorizer validates {@code Authorization: Bearer <jwt>} against the local
 * issuer's key (see {@link JwtValidator}) and the issuer and audiences of the route's authorizer in the
 * template. A missing or invalid token is API Gateway's 401 {@code {"message":"Unauthorized"}}; a valid token
 * without one of the route's scopes is its 403 {@code {"message":"Forbidden"}}. The function sees the token's
 * claims, and nothing in the query (no {@code ?user_id}) says who the caller is.
 */
final class JwtRouteAuthorizer implements RouteAuthorizer {

    static final String UNAUTHORIZED = "{\"message\":\"Unauthorized\"}";
    static final String FORBIDDEN = "{\"message\":\"Forbidden\"}";

    private final Map<String, RSAPublicKey> keysById;
    private final Clock clock;

    JwtRouteAuthorizer(LocalJwtKey key, Clock clock) {
        this.keysById = Map.of(key.keyId(), key.publicKey());
        this.clock = clock;
    }

    @Override
    public Decision authorize(APIGatewayV2HTTPEvent event, HttpRoute.Authorization authorization) {
        if (authorization == null) {
            return new Allow(null);
        }
        String token = bearerToken(event.getHeaders(), authorization.identityHeader());
        JwtValidator validator = new JwtValidator(authorization.issuer(), authorization.audiences(), keysById, clock);
        return switch (validator.validate(token)) {
            case JwtValidator.Invalid invalid -> new Deny(401, UNAUTHORIZED, Map.of("www-authenticate",
                    "Bearer error=\"invalid_token\" error_description=\"" + invalid.reason().replace("\"", "'") + "\""));
            case JwtValidator.Valid valid -> {
                if (!authorization.scopes().isEmpty() && valid.scopes().stream().noneMatch(authorization.scopes()::contains)) {
                    yield new Deny(403, FORBIDDEN, Map.of("www-authenticate",
                            "Bearer error=\"insufficient_scope\" error_description=\"the token has none of the route's scopes\""));
                }
                APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
                jwt.setClaims(valid.claims());
                jwt.setScopes(authorization.scopes().isEmpty() ? null : authorization.scopes());
                APIGatewayV2HTTPEvent.RequestContext.Authorizer context = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
                context.setJwt(jwt);
                yield new Allow(context);
            }
        };
    }

    /** The identity source may hold the token alone or prefixed with "Bearer ", as API Gateway accepts. */
    private static String bearerToken(Map<String, String> headers, String identityHeader) {
        String value = headers == null || identityHeader == null ? null : headers.get(identityHeader.toLowerCase(Locale.ROOT));
        if (value == null) {
            return null;
        }
        value = value.trim();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value;
    }
}
