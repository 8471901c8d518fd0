package dev.onsale.http;

import dev.onsale.platform.Redis;
import dev.onsale.platform.RedisScript;
import java.util.Map;
import java.util.Optional;

/**
 * A check a route makes before its work (a rate limit, a bot rule, waiting-room admission): the
 * request passes, or gets an answer (429, 403, 503) in its place. Each feature contributes its own
 * guards and each route composes the ones it needs, so no feature reaches into another's internals.
 *
 * <p>All of a route's guards together cost ONE Redis round trip: each guard asks for at most one
 * script call ({@link #prepare}), the calls of all guards go out pipelined, and each guard then
 * decides on its own reply ({@link #decide}). A guard whose checks share a hash slot makes them in
 * one script. {@link Guards} is the runner that does this for a route.
 *
 * <p>A guard that must learn how the route's work ended (a failed hold counts against its user) asks
 * for one more call in {@link #afterAnswer}. That is a second round trip, after the work: guards ask
 * for it only on failures, so a successful request still costs one.
 */
public interface Guard {

    /**
     * What a guard may know of a request: never API Gateway's types, never a header a client can forge as identity.
     * {@code userId} is the authorizer's {@code sub}; {@code sourceIp} is API Gateway's {@code requestContext.http.sourceIp}
     * (empty only for hand-built events); {@code body} is the body as text, for a guard that finds its
     * subject there (the booking route names its event in the body); {@code bodyReader}, when the request came from
     * the route's own {@link ApiRequest}, reads it as the route does, once for both ({@link ApiRequest#bodyOf}).
     */
    record Request(String route, Optional<String> userId, String sourceIp, Map<String, String> pathParameters,
                   Map<String, String> headers, Map<String, String> query, String body, BodyReader bodyReader) {

        /** A request built by hand (tests): its body is read from the text. */
        public Request(String route, Optional<String> userId, String sourceIp, Map<String, String> pathParameters,
                       Map<String, String> headers, Map<String, String> query, String body) {
            this(route, userId, sourceIp, pathParameters, headers, query, body, null);
        }

        /** A request without a body (most guarded routes take none). */
        public Request(String route, Optional<String> userId, String sourceIp, Map<String, String> pathParameters,
                       Map<String, String> headers, Map<String, String> query) {
            this(route, userId, sourceIp, pathParameters, headers, query, "");
        }
    }

    /** The route's body as a type, read the route's way; empty when the route will refuse it. */
    @FunctionalInterface
    interface BodyReader {
        <T> Optional<T> as(Class<T> type);
    }

    /** The outcome of a guard. */
    sealed interface Verdict {
        /** Go on; {@code headers} are added to the route's answer (e.g. RateLimit headers). */
        record Pass(Map<String, String> headers) implements Verdict {
            public static final Pass PLAIN = new Pass(Map.of());
        }

        /** Answer this instead of doing the route's work. */
        record Refuse(ApiResponse response) implements Verdict {
        }
    }

    /** The Redis call this guard needs for this request, or empty when it decides without Redis. */
    Optional<Redis.ScriptCall> prepare(Request request);

    /** The decision, given the reply to the call it prepared (null when it prepared none). */
    Verdict decide(Request request, Object reply);

    /** The decision when Redis did not answer in time: pass (fail open) or refuse with 503 (fail closed). */
    Verdict whenRedisUnavailable(Request request);

    /** A call to make once the route has answered {@code answer} after this guard let it pass; empty for most answers. */
    default Optional<Redis.ScriptCall> afterAnswer(Request request, ApiResponse answer) {
        return Optional.empty();
    }
}
