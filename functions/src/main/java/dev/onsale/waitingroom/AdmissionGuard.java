package dev.onsale.waitingroom;

import dev.onsale.platform.Redis;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import dev.onsale.platform.Config;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Waiting-room admission as a {@link Guard}: while an event's waiting room is on, a request passes only
 * with a valid access token (header {@value #TOKEN_HEADER}) whose session is still open; otherwise it is
 * answered 403 {@code waiting_room_required} with where to join.
 *
 * <p>The token's signature, user, event and expiry are checked in memory; the one Redis call (all keys
 * in the event's slot) answers whether the room is on and whether the session was ended early (a
 * purchase confirmed or cancelled). No DynamoDB.
 */
public final class AdmissionGuard implements Guard {
    public static final String TOKEN_HEADER = "x-waiting-room-token";

    private final WaitingRoomStore store;
    private final AdmissionTokens tokens;
    private final WhenRedisUnavailable policy;
    private final Function<Request, OptionalLong> eventOf;

    /** What the route wants when Redis does not answer: browsing stays up, booking stays fair. */
    public enum WhenRedisUnavailable {
        /** Fail open: everyone passes (the seat map). */
        PASS,
        /** Fail closed: only holders of a valid access token pass, everyone else gets 503 (bookings). */
        REFUSE
    }

    /**
     * @param eventOf where the route carries its event: {@link #eventInPath} for
     *                {@code /events/{event_id}/...}; a route with the event in its body must put it there first
     */
    public AdmissionGuard(WaitingRoomStore store, AdmissionTokens tokens, WhenRedisUnavailable policy,
                          Function<Request, OptionalLong> eventOf) {
        this.store = store;
        this.tokens = tokens;
        this.policy = policy;
        this.eventOf = eventOf;
    }

    /** The guard for a route whose path names the event ({@code {event_id}}), built from the environment. */
    public static AdmissionGuard create(Config config, WhenRedisUnavailable policy) {
        return WaitingRoomService.create(config).admissionGuard(policy);
    }

    /** The path parameter {@code event_id}, when it is a positive integer. */
    public static OptionalLong eventInPath(Request request) {
        String value = request.pathParameters() == null ? null : request.pathParameters().get("event_id");
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long id = Long.parseLong(value);
        return id > 0 ? OptionalLong.of(id) : OptionalLong.empty();
    }

    @Override
    public Optional<Redis.ScriptCall> prepare(Request request) {
        OptionalLong eventId = eventOf.apply(request);
        if (eventId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (verify(request, eventId.getAsLong())) {
            case AdmissionTokens.Verification.Valid valid ->
                    store.admissionCheck(eventId.getAsLong(), valid.claims().userId(), valid.claims().ticket());
            // still one call: whether the room is on decides between passing and 403
            case AdmissionTokens.Verification.Invalid invalid -> store.admissionCheck(eventId.getAsLong(), "", 0);
        });
    }

    @Override
    public Verdict decide(Request request, Object reply) {
        OptionalLong eventId = eventOf.apply(request);
        if (eventId.isEmpty()) {
            // no event can be read exactly when the route refuses the request (400, 413, 415, 422): it passes to
            // that refusal, which names the real fault and touches nothing
            return Verdict.Pass.PLAIN;
        }
        long event = eventId.getAsLong();
        return switch (String.valueOf(reply)) {
            case "off", "admitted" -> Verdict.Pass.PLAIN;
            case "ended" -> required(event, "Your waiting-room session for this event has ended; join the queue again");
            default -> switch (verify(request, event)) {
                case AdmissionTokens.Verification.Invalid invalid when header(request).isPresent() ->
                        required(event, "The waiting room of this event is on and " + invalid.reason() + "; join the queue");
                case AdmissionTokens.Verification.Invalid invalid -> required(event,
                        "The waiting room of this event is on: join the queue, then present the access token in " + TOKEN_HEADER);
                case AdmissionTokens.Verification.Valid valid ->
                        required(event, "This access token's place is not in the current queue; join the queue again");
            };
        };
    }

    @Override
    public Verdict whenRedisUnavailable(Request request) {
        if (policy == WhenRedisUnavailable.PASS) {
            return Verdict.Pass.PLAIN;
        }
        OptionalLong eventId = eventOf.apply(request);
        // a signed, unexpired access token proves admission; only an early end cannot be checked now
        if (eventId.isPresent() && verify(request, eventId.getAsLong()) instanceof AdmissionTokens.Verification.Valid) {
            return Verdict.Pass.PLAIN;
        }
        return new Verdict.Refuse(ApiResponse.error(503, "waiting_room_unavailable",
                "The waiting room cannot be checked right now; retry in a second").header("retry-after", "1"));
    }

    private AdmissionTokens.Verification verify(Request request, long eventId) {
        return header(request)
                .map(token -> tokens.verify(token, AdmissionTokens.Kind.ACCESS, eventId, request.userId()
                        .or(() -> Optional.of("")))) // an anonymous request matches no token's user
                .orElseGet(() -> new AdmissionTokens.Verification.Invalid("no access token was presented"));
    }

    private static Optional<String> header(Request request) {
        if (request.headers() == null) {
            return Optional.empty();
        }
        String value = request.headers().get(TOKEN_HEADER);
        if (value == null) {
            value = request.headers().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(TOKEN_HEADER))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Verdict required(long eventId, String detail) {
        return new Verdict.Refuse(ApiResponse.json(403, new Required("waiting_room_required", detail,
                "/api/v1/events/" + eventId + "/waiting-room/join", "/events/" + eventId + "/queue")));
    }

    /** The 403 body: the error, why, and where to join (the API and the page). */
    record Required(String error, String detail, String joinUrl, String queueUrl) {
    }
}
