package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

class RouteNotFoundHandlerTest {
    private final RouteNotFoundHandler handler = new RouteNotFoundHandler(
            "GET /api/v1/events, POST /api/v1/events, GET /api/v1/events/{event_id}/seats");

    private APIGatewayV2HTTPResponse call(String method, String path) {
        return handler.handleRequest(APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .build())
                .build(), null);
    }

    @Test
    void unknownPathIs404Json() {
        APIGatewayV2HTTPResponse response = call("GET", "/api/v1/nothing");
        assertEquals(404, response.getStatusCode());
        assertTrue(response.getBody().contains("\"error\":\"not_found\""), response.getBody());
        assertEquals("application/json", response.getHeaders().get("content-type"));
    }

    @Test
    void knownPathWithOtherMethodIs405WithAllow() {
        APIGatewayV2HTTPResponse response = call("DELETE", "/api/v1/events");
        assertEquals(405, response.getStatusCode());
        assertEquals("GET, POST", response.getHeaders().get("allow"));
        assertTrue(response.getBody().contains("method_not_allowed"));
    }

    @Test
    void pathVariablesMatchOneSegment() {
        assertEquals(405, call("POST", "/api/v1/events/7/seats").getStatusCode());
        assertEquals(404, call("POST", "/api/v1/events/7/seats/extra").getStatusCode());
    }

    @Test
    void aPathThatDiffersOnlyInSlashesIsNotFoundRatherThanTheWrongMethod() {
        APIGatewayV2HTTPResponse response = call("GET", "/api/v1/events/");
        assertEquals(404, response.getStatusCode());
        assertTrue(response.getBody().contains("\"error\":\"not_found\""), response.getBody());
        assertEquals(405, call("PUT", "/api/v1/events/").getStatusCode());
    }
}
