package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for API Gateway's HTTP API: a {@link LoopbackHttpServer} on 127.0.0.1 (Jetty, one virtual
 * thread per request, keep-alive) that routes each request through the {@link RouteTable}, authorizes it, and
 * invokes the route's function with a payload format 2.0 event.
 */
final class LocalHttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalHttpApi.class);
    private static final int BACKLOG = 1024;
    private static final byte[] NO_BODY = new byte[0];

    private final LoopbackHttpServer server;
    private final RouteTable routes;
    private final RouteAuthorizer authorizer;
    private final PayloadFormatV2 payload;
    private final String jwks;
    private final LocalSite site;
    private final LocalSignIn signIn;

    private LocalHttpApi(LoopbackHttpServer server, RouteTable routes, RouteAuthorizer authorizer, PayloadFormatV2 payload,
                         String jwks, LocalSite site, LocalSignIn signIn) {
        this.server = server;
        this.routes = routes;
        this.authorizer = authorizer;
        this.payload = payload;
        this.jwks = jwks;
        this.site = site;
        this.signIn = signIn;
    }

    /** Where JWT mode publishes the local issuer's keys, as an identity provider would. */
    static final String JWKS_PATH = "/.well-known/jwks.json";

    /**
     * @param port 0 for a free port
     * @param jwks the local issuer's JWKS to serve at {@value #JWKS_PATH}, null for none
     * @param site the distribution's pages, served for the paths it does not send to the API; null for none
     * @param signIn with a site, the pages' local sign-in
     */
    static LocalHttpApi start(int port, RouteTable routes, RouteAuthorizer authorizer, String apiId, String jwks,
                              LocalSite site, LocalSignIn signIn) {
        LoopbackHttpServer server = LoopbackHttpServer.bind(InetAddress.getLoopbackAddress(), port, BACKLOG);
        LocalHttpApi api = new LocalHttpApi(server, routes, authorizer, new PayloadFormatV2(apiId), jwks, site, signIn);
        server.start(api::handle);
        return api;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) {
        String requestId = RequestIds.apiGatewayRequestId();
        try (exchange) {
            route(exchange, requestId);
        } catch (IOException e) {
            log.debug("request {}: the client went away", requestId, e);
        }
    }

    private void route(HttpExchange exchange, String requestId) throws IOException {
        try {
            byte[] body = hasBody(exchange) ? exchange.getRequestBody().readAllBytes() : NO_BODY;
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            if (jwks != null && method.equals("GET") && rawPath.equals(JWKS_PATH)) {
                PayloadFormatV2.writeJson(exchange, 200, jwks, requestId);
                return;
            }
            if (site != null && LocalSignIn.handles(rawPath)) {
                LocalSignIn.Answer answer = signIn.answer(method, rawPath, body);
                PayloadFormatV2.writeJson(exchange, answer.status(), answer.json(), requestId);
                return;
            }
            if (site != null && !site.isApiPath(rawPath)) {
                LocalSite.Answer answer = site.answer(method, rawPath);
                answer.headers().forEach(exchange.getResponseHeaders()::set);
                exchange.getResponseHeaders().set("apigw-requestid", requestId);
                PayloadFormatV2.send(exchange, answer.status(), answer.body());
                return;
            }
            switch (routes.match(method, rawPath)) {
                case RouteTable.Matched(HttpRoute route, var pathParameters) -> serve(exchange, route, pathParameters, body, requestId);
                case RouteTable.MethodNotAllowed(String allow) -> {
                    exchange.getResponseHeaders().set("Allow", allow);
                    PayloadFormatV2.writeJson(exchange, 405, errorJson("method_not_allowed",
                            method + " is not allowed on " + rawPath + "; allowed: " + allow), requestId);
                }
                case RouteTable.NotFound() ->
                        PayloadFormatV2.writeJson(exchange, 404, errorJson("not_found", "no route for " + method + " " + rawPath), requestId);
            }
        } catch (RuntimeException e) {
            log.error("request {}: the gateway failed", requestId, e);
            if (exchange.getResponseCode() == -1) {
                PayloadFormatV2.writeJson(exchange, 500, PayloadFormatV2.INTERNAL_SERVER_ERROR, requestId);
            }
        }
    }

    private void serve(HttpExchange exchange, HttpRoute route, Map<String, String> pathParameters, byte[] body,
                       String requestId) throws IOException {
        APIGatewayV2HTTPEvent event = payload.event(exchange, route, pathParameters, body, requestId);
        switch (authorizer.authorize(event, route.authorization())) {
            case RouteAuthorizer.Deny(int status, String denial, var headers) -> {
                headers.forEach(exchange.getResponseHeaders()::set);
                PayloadFormatV2.writeJson(exchange, status, denial, requestId);
                return;
            }
            case RouteAuthorizer.Allow(var context) -> event.getRequestContext().setAuthorizer(context);
        }
        Object result;
        try {
            result = GatewayRequests.serving(requestId, () -> route.function().invoke(event));
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            log.error("{} ({}) failed on request {}", route.function().definition().logicalId(), route.routeKey(), requestId, e);
            PayloadFormatV2.writeJson(exchange, 500, PayloadFormatV2.INTERNAL_SERVER_ERROR, requestId);
            return;
        }
        payload.writeResponse(exchange, result, requestId);
    }

    /** Most requests are GETs without a body: readAllBytes would still allocate its 16 KB buffer for each. */
    private static boolean hasBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding") || (length != null && !length.equals("0"));
    }

    /** The gateway's own refusals, in the API's error shape. */
    static String errorJson(String error, String detail) {
        return "{\"error\":\"" + error + "\",\"detail\":" + LambdaJson.mapper().valueToTree(detail) + "}";
    }
}
