package dev.onsale.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * The edge of every HTTP function: reads the request, lets the route answer, and turns every
 * failure into a JSON error. Nothing thrown inside ever reaches API Gateway as a stack trace.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final String adminGroup;

    protected ApiHandler(String adminGroup) {
        this.adminGroup = adminGroup;
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = new ApiRequest(event, adminGroup);
        try {
            return handle(request).toApiGateway();
        } catch (ApiException e) {
            return e.toResponse().toApiGateway();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR,
                    "Unhandled failure on " + request.method() + " " + request.path() + " (request " + request.requestId() + ")", e);
            return ApiResponse.error(500, "internal_error",
                    "Something went wrong on our side; request id " + request.requestId()).toApiGateway();
        }
    }

    /** Answers one request. Throw {@link ApiException} for a request that cannot be served as sent. */
    protected abstract ApiResponse handle(ApiRequest request);
}
