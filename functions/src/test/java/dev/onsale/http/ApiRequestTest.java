package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        return new ApiRequest(builder.build(), Caller.AdminRule.group("admin"));
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
    void aGuardAndTheHandlerReadTheBodyOnceBetweenThem() {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody("{\"name\":\"x\",\"count\":3}"));
        Body seenByTheGuard = ApiRequest.bodyOf(request.forGuards(), Body.class).orElseThrow();
        assertSame(seenByTheGuard, request.body(Body.class), "the handler gets the body the guard's read made");

        ApiRequest refused = request(APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("content-type", "application/json")).withBody("{\"name\":"));
        assertTrue(ApiRequest.bodyOf(refused.forGuards(), Body.class).isEmpty());
        ApiException first = assertThrows(ApiException.class, () -> refused.body(Body.class));
        assertSame(first, assertThrows(ApiException.class, () -> refused.body(Body.class)), "the refusal is the one reading's");
        assertEquals(400, first.status());
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

    // ---- hostile input: each found by HostileInputIT ----

    private static ApiRequest jsonRequest(String body) {
        return request(APIGatewayV2HTTPEvent.builder().withHeaders(Map.of("content-type", "application/json")).withBody(body));
    }

    private static ApiException refusal(ApiRequest request) {
        return assertThrows(ApiException.class, () -> request.body(Body.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":\"\\ud800\"}", "{\"name\":\"x\\udfffy\"}", "{\"\\ud83d\":1}", "{\"name\":\"\ud800\"}"})
    void loneSurrogateIs400NotAnErrorWhenStored(String body) {
        ApiException e = refusal(jsonRequest(body));
        assertEquals(400, e.status());
        assertEquals("malformed_json", e.error());
    }

    @Test
    void aSurrogatePairIsText() {
        assertEquals("\ud83d\ude00", jsonRequest("{\"name\":\"\\ud83d\\ude00\"}").body(Body.class).name());
    }

    @Test
    void numberBeyondTheTypeIs422WithoutJavaTypeNames() {
        ApiException e = refusal(jsonRequest("{\"count\": 9223372036854775808}"));
        assertEquals(422, e.status());
        assertNoInternalNames(e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"count\": \"NaN\"}", "{\"count\": []}", "{\"count\": 1.5}", "{\"name\": {}}", "{\"count\": 1e400}"})
    void wrongTypeNamesNoJavaType(String body) {
        ApiException e = refusal(jsonRequest(body));
        assertEquals(422, e.status());
        assertNoInternalNames(e.getMessage());
    }

    @Test
    void wrongTypeSaysWhatTheFieldTakes() {
        assertEquals("Invalid value at 'count': expected an integer", refusal(jsonRequest("{\"count\": \"x\"}")).getMessage());
    }

    private static void assertNoInternalNames(String detail) {
        for (String word : new String[] {"java.", "dev.onsale", "Exception", "`"}) {
            org.junit.jupiter.api.Assertions.assertFalse(detail.contains(word), detail);
        }
    }

    @Test
    void leadingByteOrderMarkIsIgnored() {
        assertEquals(new Body("x", 1), jsonRequest("\uFEFF{\"name\":\"x\",\"count\":1}").body(Body.class));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] json = "{\"name\":\"y\"}".getBytes(StandardCharsets.UTF_8);
        byte[] both = java.util.Arrays.copyOf(bom, bom.length + json.length);
        System.arraycopy(json, 0, both, bom.length, json.length);
        ApiRequest base64 = request(APIGatewayV2HTTPEvent.builder().withBody(Base64.getEncoder().encodeToString(both)).withIsBase64Encoded(true));
        assertEquals("y", base64.body(Body.class).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=latin1", "application/json; charset=utf-16", "application/json;charset",
            "text/json", "application/jsonx", "application/x-ndjson", "json", ""})
    void otherCharsetOrJsonLookalikeIs415(String contentType) {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withHeaders(Map.of("content-type", contentType)).withBody("{}"));
        assertEquals(415, refusal(request).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "APPLICATION/JSON", "application/json; charset=UTF-8", "application/json;charset=\"utf-8\"",
            "application/problem+json"})
    void jsonInUtf8IsTaken(String contentType) {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withHeaders(Map.of("content-type", contentType)).withBody("{\"count\":2}"));
        assertEquals(2, request.body(Body.class).count());
    }

    @Test
    void base64BodyThatIsNotUtf8Is400() {
        byte[] latin1 = "{\"name\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withBody(Base64.getEncoder().encodeToString(latin1)).withIsBase64Encoded(true));
        ApiException e = refusal(request);
        assertEquals(400, e.status());
        assertEquals("The body is not valid UTF-8", e.getMessage());
    }

    @Test
    void duplicateFieldIs400() {
        ApiException e = refusal(jsonRequest("{\"count\":1,\"count\":2}"));
        assertEquals(400, e.status());
        assertEquals("The body names a field twice", e.getMessage());
    }

    @Test
    void unknownFieldNameIsEchoedShortened() {
        ApiException e = refusal(jsonRequest("{\"" + "z".repeat(10_000) + "\":1}"));
        assertEquals(422, e.status());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().length() < 100, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661", "\uFF11", "1\u0662", "\u0967"})
    void pathIdTakesOnlyAsciiDigits(String value) {
        ApiRequest request = request(APIGatewayV2HTTPEvent.builder().withPathParameters(Map.of("event_id", value)));
        assertEquals(400, assertThrows(ApiException.class, () -> request.pathId("event_id")).status());
    }
}
