package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.platform.Redis;
import dev.onsale.platform.SnapStart;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The edge of every HTTP function: reads the request, runs the route's guards (one Redis round trip),
 * lets the route answer, and turns every failure into a JSON error. Nothing thrown inside ever reaches
 * API Gateway as a stack trace. A request a guard refuses never reaches {@link #handle}, so it touches
 * neither DynamoDB nor any cache.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, SnapStart.Hooked {
    private final Caller.AdminRule admins;
    private final Guards guards;
    private final RequestTelemetry telemetry = RequestTelemetry.forFunction();
    /** Primes with the function's request from {@link PrimingRequests}; held here since CRaC holds it weakly. */
    private final SnapStart snapStart = SnapStart.register(getClass().getSimpleName(), this::prime);

    protected ApiHandler(Caller.AdminRule admins) {
        this(admins, Guards.NONE);
    }

    protected ApiHandler(Caller.AdminRule admins, Guards guards) {
        this.admins = admins;
        this.guards = guards;
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = new ApiRequest(event, admins);
        RequestTelemetry.Recording recording = telemetry.begin(request, context);
        try {
            if (guards.isEmpty()) {
                return recording.end(answer(request)).toApiGateway();
            }
            Guard.Request guarded = request.forGuards();
            Guards.Checked checked = guards.check(guarded, readAhead(request));
            return switch (checked.verdict()) {
                case Guard.Verdict.Refuse refuse -> recording.end(refuse.response()).toApiGateway();
                case Guard.Verdict.Pass pass -> {
                    checked.alongside().ifPresent(request::readAhead);
                    ApiResponse response = answer(request);
                    pass.headers().forEach(response::header);
                    guards.afterAnswer(guarded, response);
                    yield recording.end(response).toApiGateway();
                }
            };
        } catch (RuntimeException e) {
            if (isPassingOverload(e)) {
                return recording.end(ApiResponse.error(503, "service_busy", "We are very busy right now; retry in a moment")
                        .header("retry-after", "1")).toApiGateway();
            }
            // logged once, with its stack trace, in the request's line; the client gets only the request id
            return recording.failed(e, ApiResponse.error(500, "internal_error",
                    "Something went wrong on our side; request id " + request.requestId())).toApiGateway();
        }
    }

    /**
     * Throttled past the SDK's own retries, or a dependency that did not answer in time (a client-side
     * timeout or lost connection to DynamoDB or Redis): an overload that passes, not a bug, so 503 with
     * Retry-After rather than 500.
     */
    private static boolean isPassingOverload(RuntimeException e) {
        return e instanceof AwsServiceException aws && aws.isThrottlingException()
                || e instanceof SdkClientException
                || Redis.isUnavailable(e);
    }

    private ApiResponse answer(ApiRequest request) {
        try {
            return handle(request);
        } catch (ApiException e) {
            return e.toResponse();
        }
    }

    @Override
    public final SnapStart snapStart() {
        return snapStart;
    }

    private String prime() {
        APIGatewayV2HTTPResponse answer = handleRequest(PrimingRequests.forHandler(getClass(), admins),
                SnapStart.primingContext(getClass().getSimpleName()));
        return "answered " + answer.getStatusCode();
    }

    /**
     * A Redis call this route makes on every request it serves, sent in the same write as its guards' calls,
     * so that guards and the route's own read cost one round trip together; its reply reaches {@link #handle}
     * as {@link ApiRequest#readAhead()}. Must not throw: for a request it can name no call for, empty.
     */
    protected Optional<Redis.ScriptCall> readAhead(ApiRequest request) {
        return Optional.empty();
    }

    /** Answers one request. Throw {@link ApiException} for a request that cannot be served as sent. */
    protected abstract ApiResponse handle(ApiRequest request);
}
