package dev.onsale.booking;

/**
 * An idempotency record: the first response to a key, kept so that a retry gets it again.
 *
 * @param scopedKey    caller + operation + client key
 * @param fingerprint  what the original request meant; a retry that means something else is refused
 * @param status       the original HTTP status
 * @param body         the original JSON body
 * @param expiresAtEpochSecond when the record lapses (DynamoDB TTL attribute; ignored once past)
 */
public record StoredResponse(String scopedKey, String fingerprint, int status, String body, long expiresAtEpochSecond) {
}
