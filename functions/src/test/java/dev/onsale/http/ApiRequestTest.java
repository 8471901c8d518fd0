package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiRequestTest {
    record Body(String name, Integer count) {
    }

    private static ApiRequest request(APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder builder) {
        return new ApiRequest(builder.build(), "admin");
    }

    @Test
    void pathIdReadsAPositiveInteger() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withPathParameters(Map.of("event_id", "17")));
        assertEquals(17, request.pathId("event_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "99999999999999999999", "", "1e3", " 1"})
    void pathIdRefusesAnythingElseWith400(String value) {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withPathParameters(Map.of("event_id", value)));
        ApiException e = assertThrows(ApiException.class, () -> request.pathId("event_id"));
        assertEquals(400, e.status());
    }

    @Test
    void bodyIsParsedWithSnakeCaseNames() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody("{\"name\":\"x\",\"count\":3}"));
        assertEquals(new Body("x", 3), request.body(Body.class));
    }

    @Test
    void base64BodyIsDecoded() {
        String encoded = Base64.getEncoder().encodeToString("{\"name\":\"é\"}".getBytes(StandardCharsets.UTF_8));
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody(encoded).withIsBase64Encoded(true));
        assertEquals("é", request.body(Body.class).name());
    }

    @Test
    void malformedJsonIs400() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody("{\"name\":"));
        ApiException e = assertThrows(ApiException.class, () -> request.body(Body.class));
        assertEquals(400, e.status());
        assertEquals("malformed_json", e.error());
    }

    @Test
    void wrongTypeIs422NamingTheField() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody("{\"count\":\"many\"}"));
        ApiException e = assertThrows(ApiException.class, () -> request.body(Body.class));
        assertEquals(422, e.status());
        assertEquals(true, e.getMessage().contains("'count'"), e.getMessage());
    }

    @Test
    void wellFormedJsonThatIsNotAnObjectIs422() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody("[1, 2]"));
        assertEquals(422, assertThrows(ApiException.class, () -> request.body(Body.class)).status());
    }

    @Test
    void unknownFieldIs422() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody("{\"nme\":\"x\"}"));
        assertEquals(422, assertThrows(ApiException.class, () -> request.body(Body.class)).status());
    }

    @Test
    void otherMediaTypeIs415() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("content-type", "text/plain")).withBody("{}"));
        assertEquals(415, assertThrows(ApiException.class, () -> request.body(Body.class)).status());
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"name\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES) + "\"}";
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody(big));
        assertEquals(413, assertThrows(ApiException.class, () -> request.body(Body.class)).status());
    }

    @Test
    void missingBodyIs400() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder());
        assertEquals(400, assertThrows(ApiException.class, () -> request.body(Body.class)).status());
    }

    @Test
    void queryIntOutOfRangeIs400() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withQueryStringParameters(Map.of("limit", "1000")));
        assertEquals(400, assertThrows(ApiException.class, () -> request.queryInt("limit", 20, 1, 100)).status());
        assertEquals(20, request(APIGatewayV2HTTPEvent.builder()).queryInt("limit", 20, 1, 100));
    }

    @Test
    void anonymousCallerOnAdminRouteIs401AndAUserIs403() {
        ApiRequest anonymous = request(APIGatewayV2HTTPEvent.builder());
        assertEquals(401, assertThrows(ApiException.class, anonymous::requireAdmin).status());
        ApiRequest user = request(APIGatewayV2HTTPEvent.builder().withRequestContext(
                APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", "5")).build())
                                .build())
                        .build()));
        assertEquals(403, assertThrows(ApiException.class, user::requireAdmin).status());
        assertEquals("5", user.requireUser());
    }
}
