package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local gateway in JWT mode: API Gateway's JWT authorizer in front of the test template's routes. */
class JwtGatewayIT {

    private static final String ISSUER = TestStack.ISSUER;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final LocalJwtKey KEY = LocalJwtKey.generate();
    private static final LocalTokenIssuer TOKENS = new LocalTokenIssuer(KEY, ISSUER, "aud-2", "admin", Clock.systemUTC());
    private static URI gateway;

    @BeforeAll
    static void start() {
        // the shared test stack's routes and functions, behind a second gateway in JWT mode
        gateway = TestStack.get().startGateway(AuthMode.JWT, KEY);
    }

    private static HttpResponse<String> send(String method, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode claims(HttpResponse<String> echoed) throws IOException {
        assertEquals(200, echoed.statusCode(), echoed.body());
        return LambdaJson.mapper().readTree(echoed.body()).path("requestContext").path("authorizer").path("jwt").path("claims");
    }

    @Test
    void aValidBearerTokenReachesTheFunctionWithItsClaimsAndTheQueryNamesNobody() throws Exception {
        String token = TOKENS.token("alice", true, Duration.ofMinutes(5));
        JsonNode claims = claims(send("GET", "/items/1?user_id=mallory", "Bearer " + token));
        assertEquals("alice", claims.path("sub").asText());
        assertEquals("[admin]", claims.path("cognito:groups").asText());
        assertEquals(ISSUER, claims.path("iss").asText());
        assertEquals("alice", claims(send("GET", "/items/1", token)).path("sub").asText(), "the token without Bearer, as API Gateway accepts");
    }

    @Test
    void noTokenIsApiGateways401() throws Exception {
        HttpResponse<String> response = send("GET", "/items/1?user_id=alice", null);
        assertEquals(401, response.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", response.body());
        assertTrue(response.headers().firstValue("www-authenticate").orElseThrow().startsWith("Bearer"));
    }

    @Test
    void expiredForgedAndMisaddressedTokensAre401() throws Exception {
        ObjectNode otherAudience = TOKENS.claims("alice", false, java.time.Instant.now(), Duration.ofMinutes(5)).put("aud", "aud-3");
        for (String bad : new String[] {
                TOKENS.expiredToken("alice", false),
                LocalJwtKey.generate().sign(KEY.header(), TOKENS.claims("alice", true, java.time.Instant.now(), Duration.ofMinutes(5))),
                KEY.sign(KEY.header(), otherAudience),
                "not-a-jwt"}) {
            HttpResponse<String> response = send("GET", "/items/1", "Bearer " + bad);
            assertEquals(401, response.statusCode(), bad);
            assertEquals("{\"message\":\"Unauthorized\"}", response.body());
        }
    }

    @Test
    void aRouteWithScopesWantsOneOfThemElse403() throws Exception {
        String noScope = TOKENS.token("alice", false, Duration.ofMinutes(5));
        HttpResponse<String> refused = send("POST", "/items", "Bearer " + noScope);
        assertEquals(403, refused.statusCode());
        assertEquals("{\"message\":\"Forbidden\"}", refused.body());

        ObjectNode scoped = TOKENS.claims("alice", false, java.time.Instant.now(), Duration.ofMinutes(5)).put("scope", "items/read items/write");
        assertEquals("alice", claims(send("POST", "/items", "Bearer " + KEY.sign(KEY.header(), scoped))).path("sub").asText());
    }

    @Test
    void openRoutesNeedNoToken() throws Exception {
        assertEquals(200, send("GET", "/open", null).statusCode());
    }

    @Test
    void theIssuersKeysArePublishedAsAJwks() throws Exception {
        HttpResponse<String> jwks = send("GET", LocalHttpApi.JWKS_PATH, null);
        assertEquals(200, jwks.statusCode());
        assertEquals(KEY.keyId(), LambdaJson.mapper().readTree(jwks.body()).path("keys").path(0).path("kid").asText());
    }
}
