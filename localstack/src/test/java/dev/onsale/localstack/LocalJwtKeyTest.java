package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalJwtKeyTest {

    @TempDir
    Path directory;

    @Test
    void theKeyIsCreatedOnceAndLoadedAfterwards() throws Exception {
        LocalJwtKey created = LocalJwtKey.loadOrCreate(directory);
        LocalJwtKey loaded = LocalJwtKey.loadOrCreate(directory);
        assertEquals(created.keyId(), loaded.keyId());
        assertEquals(created.publicKey(), loaded.publicKey());
        assertTrue(Files.exists(directory.resolve(LocalJwtKey.JWKS_FILE)));
        assertNotEquals(created.keyId(), LocalJwtKey.generate().keyId());
    }

    @Test
    void theJwksPublishesTheModulusAndExponentUnderTheKeyId() throws Exception {
        LocalJwtKey key = LocalJwtKey.loadOrCreate(directory);
        JsonNode jwk = LambdaJson.mapper().readTree(Files.readString(directory.resolve(LocalJwtKey.JWKS_FILE))).path("keys").get(0);
        assertEquals("RSA", jwk.path("kty").asText());
        assertEquals("RS256", jwk.path("alg").asText());
        assertEquals(key.keyId(), jwk.path("kid").asText());
        assertEquals(key.publicKey().getModulus(), new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText())));
        assertEquals(key.publicKey().getPublicExponent(), new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText())));
        assertTrue(jwk.path("n").asText().matches("[A-Za-z0-9_-]+"), "base64url without padding");
    }
}
