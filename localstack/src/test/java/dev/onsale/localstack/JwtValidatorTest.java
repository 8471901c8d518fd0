package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class JwtValidatorTest {

    private static final String ISSUER = "https://issuer.example/pool";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final LocalJwtKey KEY = LocalJwtKey.generate();
    private static final LocalJwtKey OTHER_KEY = LocalJwtKey.generate();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final LocalTokenIssuer tokens = new LocalTokenIssuer(KEY, ISSUER, "app-client", "admin", CLOCK);
    private final JwtValidator validator = new JwtValidator(ISSUER, List.of("other-client", "app-client"),
            Map.of(KEY.keyId(), KEY.publicKey()), CLOCK);

    private ObjectNode claims() {
        return tokens.claims("user-1", false, NOW.minusSeconds(10), Duration.ofHours(1));
    }

    private String reason(String token) {
        return assertInstanceOf(JwtValidator.Invalid.class, validator.validate(token)).reason();
    }

    private static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodTokenPassesWithItsClaimsShapedAsApiGatewayPassesThem() {
        JwtValidator.Valid valid = assertInstanceOf(JwtValidator.Valid.class,
                validator.validate(tokens.token("user-1", true, Duration.ofMinutes(5))));
        assertEquals("user-1", valid.claims().get("sub"));
        assertEquals("[admin]", valid.claims().get("cognito:groups"));
        assertEquals(String.valueOf(NOW.plusSeconds(300).getEpochSecond()), valid.claims().get("exp"));
        assertEquals(ISSUER, valid.claims().get("iss"));
    }

    @Test
    void arraysFlattenToBracketsAndObjectsToJson() {
        ObjectNode claims = claims();
        claims.putArray("groups").add("a").add("b");
        claims.putObject("address").put("city", "Oslo");
        claims.put("email_verified", true);
        var valid = assertInstanceOf(JwtValidator.Valid.class, validator.validate(KEY.sign(KEY.header(), claims)));
        assertEquals("[a b]", valid.claims().get("groups"));
        assertEquals("{\"city\":\"Oslo\"}", valid.claims().get("address"));
        assertEquals("true", valid.claims().get("email_verified"));
    }

    @Test
    void anotherIssuerIsRefused() {
        assertTrue(reason(KEY.sign(KEY.header(), claims().put("iss", ISSUER + "/other"))).startsWith("iss"));
        assertTrue(reason(KEY.sign(KEY.header(), (ObjectNode) claims().without("iss"))).startsWith("iss"));
    }

    @Test
    void anAudienceNotConfiguredIsRefused() {
        assertTrue(reason(KEY.sign(KEY.header(), claims().put("aud", "someone-else"))).contains("aud"));
        ObjectNode several = claims();
        several.putArray("aud").add("x").add("y");
        assertTrue(reason(KEY.sign(KEY.header(), several)).contains("aud"));
    }

    @Test
    void anAudienceListWithOneConfiguredPasses() {
        ObjectNode several = claims();
        several.putArray("aud").add("x").add("app-client");
        assertInstanceOf(JwtValidator.Valid.class, validator.validate(KEY.sign(KEY.header(), several)));
    }

    @Test
    void clientIdCountsOnlyWithoutAud() {
        ObjectNode cognitoAccessToken = (ObjectNode) claims().without("aud");
        cognitoAccessToken.put("client_id", "app-client");
        assertInstanceOf(JwtValidator.Valid.class, validator.validate(KEY.sign(KEY.header(), cognitoAccessToken)));
        ObjectNode both = claims().put("aud", "someone-else").put("client_id", "app-client");
        assertTrue(reason(KEY.sign(KEY.header(), both)).contains("aud"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertEquals("the token has expired", reason(tokens.expiredToken("user-1", true)));
        assertEquals("the token has expired", reason(KEY.sign(KEY.header(), claims().put("exp", NOW.getEpochSecond()))));
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertTrue(reason(KEY.sign(KEY.header(), (ObjectNode) claims().without("exp"))).startsWith("exp"));
        assertTrue(reason(KEY.sign(KEY.header(), claims().put("exp", "tomorrow"))).startsWith("exp"));
    }

    @Test
    void notBeforeOrIssuedInTheFutureIsRefused() {
        assertTrue(reason(KEY.sign(KEY.header(), claims().put("nbf", NOW.getEpochSecond() + 60))).startsWith("nbf"));
        assertTrue(reason(KEY.sign(KEY.header(), claims().put("iat", NOW.getEpochSecond() + 60))).startsWith("iat"));
        assertInstanceOf(JwtValidator.Valid.class, validator.validate(KEY.sign(KEY.header(), claims().put("nbf", NOW.getEpochSecond()))));
    }

    @Test
    void anAlteredPayloadBreaksTheSignature() {
        String[] parts = tokens.token("user-1", false, Duration.ofHours(1)).split("\\.");
        String elevated = encode(claims().put("sub", "user-2").toString());
        assertEquals("the signature does not verify", reason(parts[0] + "." + elevated + "." + parts[2]));
    }

    @Test
    void anotherKeysSignatureUnderOurKidIsRefused() {
        assertEquals("the signature does not verify", reason(OTHER_KEY.sign(KEY.header(), claims())));
    }

    @Test
    void anUnknownOrMissingKidIsRefused() {
        assertTrue(reason(OTHER_KEY.sign(OTHER_KEY.header(), claims())).startsWith("no key"));
        assertTrue(reason(KEY.sign((ObjectNode) KEY.header().without("kid"), claims())).startsWith("no key"));
    }

    @Test
    void algNoneIsRefused() {
        String header = encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + KEY.keyId() + "\"}");
        String payload = encode(claims().toString());
        assertTrue(reason(header + "." + payload + ".").startsWith("a part is empty"));
        assertTrue(reason(header + "." + payload + ".c2ln").startsWith("unsupported algorithm"));
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // the classic confusion: an HMAC keyed with the (public) RSA key, hoping the verifier uses it as a secret
        String signingInput = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY.keyId() + "\"}") + "."
                + encode(claims().toString());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.publicKey().getEncoded(), "HmacSHA256"));
        String token = signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(reason(token).startsWith("unsupported algorithm"));
    }

    @Test
    void malformedTokensAreRefused() {
        String good = tokens.token("user-1", false, Duration.ofHours(1));
        String[] parts = good.split("\\.");
        assertEquals("no token", reason(null));
        assertEquals("no token", reason(" "));
        assertTrue(reason("abc").startsWith("not a compact JWS"));
        assertTrue(reason(parts[0] + "." + parts[1]).startsWith("not a compact JWS"));
        assertTrue(reason(good + ".extra").startsWith("not a compact JWS"));
        assertTrue(reason(parts[0] + "." + parts[1] + ".").startsWith("a part is empty"));
        assertTrue(reason(parts[0] + "=." + parts[1] + "." + parts[2]).contains("base64url"));
        assertTrue(reason(parts[0] + "." + parts[1] + "." + parts[2] + "+/").contains("base64url"));
        assertTrue(reason(encode("not json") + "." + parts[1] + "." + parts[2]).startsWith("the header"));
        assertTrue(reason(encode("[1]") + "." + parts[1] + "." + parts[2]).startsWith("the header"));
        assertTrue(reason(KEY.sign(KEY.header().put("alg", "rs256"), claims())).startsWith("unsupported"));
        String payloadNotJson = parts[0] + "." + encode("garbage");
        assertTrue(reason(KEY.signed(payloadNotJson)).startsWith("the payload"));
    }

    @Test
    void onlyTheConfiguredKeysAreTrusted() {
        JwtValidator trustsOther = new JwtValidator(ISSUER, List.of("app-client"), Map.of(KEY.keyId(), OTHER_KEY.publicKey()), CLOCK);
        assertInstanceOf(JwtValidator.Invalid.class, trustsOther.validate(tokens.token("u", false, Duration.ofHours(1))));
    }
}
