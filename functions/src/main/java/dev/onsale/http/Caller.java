package dev.onsale.http;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is calling, as API Gateway's JWT authorizer vouched for it. Nothing else in a request
 * (query, headers, body) ever names the caller.
 */
public record Caller(Optional<String> userId, boolean admin) {
    public static final Caller ANONYMOUS = new Caller(Optional.empty(), false);
    static final int MAX_USER_ID_LENGTH = 128;

    /** Claims that may carry the admin group: Cognito groups, a generic groups claim, OAuth scopes. */
    private static final List<String> GROUP_CLAIMS = List.of("cognito:groups", "groups", "scope", "scp");
    /** Compiled once: String.split compiles this pattern on every call, i.e. on every request. */
    private static final Pattern CLAIM_SEPARATORS = Pattern.compile("[\\s,]+");

    public static Caller fromClaims(Map<String, String> claims, String adminGroup) {
        if (claims == null || claims.isEmpty()) {
            return ANONYMOUS;
        }
        Optional<String> user = Optional.ofNullable(claims.get("sub")).map(String::trim).filter(Caller::usableUserId);
        boolean admin = GROUP_CLAIMS.stream()
                .map(claims::get)
                .anyMatch(value -> value != null && values(value).contains(adminGroup));
        return new Caller(user, admin);
    }

    /**
     * A user id the stores can key by: 1 to {@value #MAX_USER_ID_LENGTH} characters, no control characters, valid
     * Unicode. Real issuers' subjects (UUIDs, "auth0|...") are far shorter; a longer one would overflow DynamoDB's
     * key size in the idempotency records and is treated as no user at all.
     */
    static boolean usableUserId(String userId) {
        return !userId.isEmpty() && userId.length() <= MAX_USER_ID_LENGTH
                && userId.chars().noneMatch(Character::isISOControl) && !ApiRequest.hasUnpairedSurrogate(userId);
    }

    /** API Gateway flattens array claims to "[a b c]"; scopes are space-separated. */
    private static List<String> values(String claim) {
        String trimmed = claim.trim();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return Arrays.stream(CLAIM_SEPARATORS.split(trimmed)).filter(s -> !s.isEmpty()).toList();
    }
}
