package dev.onsale.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The local gateway's own sign-in for pages, where an identity provider would be in AWS. {@code GET /local/auth}
 * tells a page how to sign in ({@code {"mode":"dev"}}: name the caller with {@code ?user_id}; {@code {"mode":"jwt",
 * "sign_in":"/local/sign-in"}}); in JWT mode only, {@code POST /local/sign-in} with {@code {"user_id", "admin"}}
 * answers a token of the local issuer for that user, as {@code scripts/token} prints one. Served only by the local
 * stack, never deployed.
 */
final class LocalSignIn {
    static final String AUTH_PATH = "/local/auth";
    static final String SIGN_IN_PATH = "/local/sign-in";
    private static final Duration TOKEN_TTL = Duration.ofHours(1);
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

    record Answer(int status, String json) {}

    /** null in dev mode: no tokens to mint */
    private final LocalTokenIssuer issuer;

    LocalSignIn(LocalTokenIssuer issuer) {
        this.issuer = issuer;
    }

    static boolean handles(String rawPath) {
        return rawPath.equals(AUTH_PATH) || rawPath.equals(SIGN_IN_PATH);
    }

    Answer answer(String method, String rawPath, byte[] body) {
        if (rawPath.equals(AUTH_PATH)) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                return error(405, "method_not_allowed", method + " is not allowed on " + AUTH_PATH + "; allowed: GET");
            }
            return new Answer(200, issuer == null ? "{\"mode\":\"dev\"}"
                    : "{\"mode\":\"jwt\",\"sign_in\":\"" + SIGN_IN_PATH + "\"}");
        }
        if (issuer == null) {
            return error(404, "not_found", "dev mode has no sign-in: name the caller with ?user_id=N");
        }
        if (!method.equals("POST")) {
            return error(405, "method_not_allowed", method + " is not allowed on " + SIGN_IN_PATH + "; allowed: POST");
        }
        JsonNode request;
        try {
            request = LambdaJson.mapper().readTree(new String(body, StandardCharsets.UTF_8));
        } catch (Exception e) {
            return error(400, "bad_request", "the body is not JSON");
        }
        JsonNode user = request == null ? null : request.get("user_id");
        if (user == null || !user.isTextual() || !USER_ID.matcher(user.asText()).matches()) {
            return error(422, "validation_failed", "user_id: 1 to 64 letters, digits or _.:@-");
        }
        boolean admin = request.path("admin").asBoolean(false);
        String token = issuer.token(user.asText(), admin, TOKEN_TTL);
        return new Answer(200, LambdaJson.mapper().createObjectNode()
                .put("token", token)
                .put("user_id", user.asText())
                .put("admin", admin)
                .put("expires_at", Instant.now().plus(TOKEN_TTL).toString())
                .toString());
    }

    private static Answer error(int status, String error, String detail) {
        return new Answer(status, LocalHttpApi.errorJson(error, detail));
    }
}
