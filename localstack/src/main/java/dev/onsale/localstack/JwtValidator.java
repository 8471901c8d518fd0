package dev.onsale.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.io.IOException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a JWT the way API Gateway's HTTP API JWT authorizer does: an RSA signature (RS256, RS384,
 * RS512) by the issuer's key named by {@code kid}; {@code iss} equal to the configured issuer; {@code aud}
 * (or, only when there is no {@code aud}, {@code client_id}) one of the configured audiences; {@code exp}
 * after now; {@code nbf} and {@code iat}, when present, not after now. Any other algorithm ({@code none},
 * {@code HS256}, ...) is refused before anything else is read. The clock has no leeway. Parsing and the
 * signature are nimbus-jose-jwt's; the claims' rules are API Gateway's, checked here.
 */
final class JwtValidator {

    sealed interface Validation permits Valid, Invalid {}

    /** @param claims the payload's claims, as API Gateway passes them to the integration */
    record Valid(Map<String, String> claims, List<String> scopes) implements Validation {}

    record Invalid(String reason) implements Validation {}

    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

    private final String issuer;
    private final List<String> audiences;
    private final Map<String, RSAPublicKey> keysById;
    private final Clock clock;

    JwtValidator(String issuer, List<String> audiences, Map<String, RSAPublicKey> keysById, Clock clock) {
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.keysById = Map.copyOf(keysById);
        this.clock = clock;
    }

    Validation validate(String token) {
        if (token == null || token.isBlank()) {
            return new Invalid("no token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return new Invalid("not a compact JWS (three dot-separated parts)");
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                return new Invalid("a part is empty (an unsigned token?)");
            }
            if (!BASE64URL.matcher(part).matches()) {
                return new Invalid("a part is not base64url");
            }
        }
        JsonNode header = json(parts[0]);
        if (header == null || !header.isObject()) {
            return new Invalid("the header is not a JSON object");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            // a header nimbus will not take as a JWS's ("alg": "none", no "alg", ...)
            return new Invalid("unsupported algorithm " + header.path("alg") + ": " + e.getMessage());
        }
        JWSAlgorithm algorithm = jws.getHeader().getAlgorithm();
        if (!RSA_ALGORITHMS.contains(algorithm)) {
            return new Invalid("unsupported algorithm " + algorithm + ": only RSA signatures are accepted");
        }
        String kid = jws.getHeader().getKeyID();
        RSAPublicKey key = kid == null ? null : keysById.get(kid);
        if (key == null) {
            return new Invalid("no key of the issuer matches kid " + (kid == null ? "(none)" : "\"" + kid + "\""));
        }
        try {
            if (!jws.verify(new RSASSAVerifier(key))) {
                return new Invalid("the signature does not verify");
            }
        } catch (JOSEException e) {
            return new Invalid("the signature does not verify");
        }
        JsonNode payload = json(parts[1]);
        if (payload == null || !payload.isObject()) {
            return new Invalid("the payload is not a JSON object");
        }
        return checkClaims(payload);
    }

    private Validation checkClaims(JsonNode payload) {
        if (!payload.path("iss").isTextual() || !payload.path("iss").asText().equals(issuer)) {
            return new Invalid("iss " + payload.path("iss") + " is not " + issuer);
        }
        JsonNode audience = payload.has("aud") ? payload.get("aud") : payload.path("client_id");
        if (!matchesAudience(audience)) {
            return new Invalid("neither aud nor client_id is one of " + audiences);
        }
        long now = clock.instant().getEpochSecond();
        if (!payload.path("exp").isNumber()) {
            return new Invalid("exp is missing or not a number");
        }
        if (payload.get("exp").asDouble() <= now) {
            return new Invalid("the token has expired");
        }
        for (String notAfterNow : List.of("nbf", "iat")) {
            JsonNode time = payload.get(notAfterNow);
            if (time != null && (!time.isNumber() || time.asDouble() > now)) {
                return new Invalid(notAfterNow + " is in the future or not a number");
            }
        }
        return new Valid(apiGatewayClaims(payload), scopes(payload));
    }

    private boolean matchesAudience(JsonNode audience) {
        if (audience.isTextual()) {
            return audiences.contains(audience.asText());
        }
        if (audience.isArray()) {
            for (JsonNode one : audience) {
                if (one.isTextual() && audiences.contains(one.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The token's scopes: {@code scope} (space-separated, OAuth) or {@code scp} (a list or a string). */
    private static List<String> scopes(JsonNode payload) {
        List<String> scopes = new ArrayList<>();
        for (String claim : List.of("scope", "scp")) {
            JsonNode value = payload.get(claim);
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                value.forEach(item -> scopes.add(item.asText()));
            } else if (value.isTextual()) {
                for (String scope : value.asText().trim().split("\\s+")) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            }
        }
        return scopes;
    }

    /**
     * Claims as API Gateway hands them to the function: every value a string, a number as its digits, an
     * array flattened to {@code "[a b c]"}, an object as its JSON text.
     */
    static Map<String, String> apiGatewayClaims(JsonNode payload) {
        Map<String, String> claims = new LinkedHashMap<>();
        payload.fields().forEachRemaining(field -> claims.put(field.getKey(), claimText(field.getValue())));
        return claims;
    }

    private static String claimText(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(claimText(item)));
            return "[" + String.join(" ", items) + "]";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static JsonNode json(String base64url) {
        try {
            return LambdaJson.mapper().readTree(Base64.getUrlDecoder().decode(base64url));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
