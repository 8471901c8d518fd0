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

    /** Compiled once: String.split compiles this pattern on every call, i.e. on every request. */
    private static final Pattern CLAIM_SEPARATORS = Pattern.compile("[\\s,]+");
    private static final List<String> SCOPE_CLAIMS = List.of("scope", "scp");

    /**
     * Who is an admin: a person in {@code group} of the groups claim {@code groupsClaim} (Cognito's
     * {@code cognito:groups} by default). A scope describes a client, not a person: {@code scope} grants
     * admin only when it is named (not empty), through the {@code scope} or {@code scp} claim.
     */
    public record AdminRule(String groupsClaim, String group, String scope) {
        /** For the routes that have nothing only an admin may do: nobody is one. */
        public static final AdminRule NOBODY = new AdminRule("", "", "");

        public AdminRule {
            groupsClaim = groupsClaim == null ? "" : groupsClaim.trim();
            group = group == null ? "" : group.trim();
            scope = scope == null ? "" : scope.trim();
        }

        /** The default: {@code group} in Cognito's {@code cognito:groups}, no scope. */
        public static AdminRule group(String group) {
            return new AdminRule("cognito:groups", group, "");
        }

        boolean grants(Map<String, String> claims) {
            String groups = group.isEmpty() ? null : claims.get(groupsClaim);
            if (groups != null && values(groups).contains(group)) {
                return true;
            }
            return !scope.isEmpty() && SCOPE_CLAIMS.stream().map(claims::get)
                    .anyMatch(value -> value != null && values(value).contains(scope));
        }
    }

    public static Caller fromClaims(Map<String, String> claims, AdminRule admins) {
        if (claims == null || claims.isEmpty()) {
            return ANONYMOUS;
        }
        Optional<String> user = Optional.ofNullable(claims.get("sub")).map(String::trim).filter(Caller::usableUserId);
        return new Caller(user, admins.grants(claims));
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
