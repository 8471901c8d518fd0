package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dev mode: no tokens, the caller says who they are with {@code ?user_id=N} (claim {@code sub}), and with
 * devAdmin on is in the admin group. Claims are shaped as API Gateway passes them: strings, with an
 * array claim flattened to {@code "[a b]"}.
 */
final class DevRouteAuthorizer implements RouteAuthorizer {

    static final String USER_ID_PARAMETER = "user_id";

    private final boolean devAdmin;
    private final String adminGroupsClaim;

    DevRouteAuthorizer(boolean devAdmin, String adminGroup) {
        this.devAdmin = devAdmin;
        this.adminGroupsClaim = "[" + adminGroup + "]";
    }

    @Override
    public Decision authorize(APIGatewayV2HTTPEvent event, HttpRoute.Authorization authorization) {
        if (authorization == null) {
            return new Allow(null);
        }
        Map<String, String> claims = new LinkedHashMap<>();
        Map<String, String> query = event.getQueryStringParameters();
        if (query != null && query.get(USER_ID_PARAMETER) != null) {
            claims.put("sub", query.get(USER_ID_PARAMETER));
        }
        if (devAdmin) {
            claims.put("cognito:groups", adminGroupsClaim);
        }
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(claims);
        jwt.setScopes(authorization.scopes().isEmpty() ? null : authorization.scopes());
        APIGatewayV2HTTPEvent.RequestContext.Authorizer context = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        context.setJwt(jwt);
        return new Allow(context);
    }
}
