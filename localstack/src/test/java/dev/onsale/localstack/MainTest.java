package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void everyOptionIsParsed() {
        LocalStackOptions options = Main.parseArguments("--template", "t.yaml", "--port", "0",
                "--parameter-overrides", "CacheTls=false", "CacheClusterMode=false", "Url=http://x/?a=b",
                "--code-jar", "f.jar", "--auth", "none", "--no-dev-admin", "--aws-endpoint", "http://localhost:4566",
                "--stack-name", "s", "--region", "eu-west-1", "--no-pollers", "--lazy-init");
        assertEquals(Path.of("t.yaml"), options.template());
        assertEquals(0, options.port());
        assertEquals(Map.of("CacheTls", "false", "CacheClusterMode", "false", "Url", "http://x/?a=b"), options.parameterOverrides());
        assertEquals(Path.of("f.jar"), options.codeJar());
        assertEquals(AuthMode.NONE, options.authMode());
        assertFalse(options.devAdmin());
        assertEquals(URI.create("http://localhost:4566"), options.externalAwsEndpoint());
        assertEquals("s", options.stackName());
        assertEquals("eu-west-1", options.region());
        assertFalse(options.pollers());
        assertFalse(options.eagerInit());
    }

    @Test
    void defaultsMatchSamLocal() {
        LocalStackOptions options = Main.parseArguments();
        assertEquals(Path.of("template.yaml"), options.template());
        assertEquals(8000, options.port());
        assertEquals(AuthMode.DEV, options.authMode());
        assertEquals("onsale-local", options.stackName());
        assertTrue(options.enforceIam(), "IAM is enforced unless turned off");
    }

    @Test
    void iamEnforcementCanBeTurnedOff() {
        assertFalse(Main.parseArguments("--no-enforce-iam").enforceIam());
    }

    @Test
    void jwtModeLoadsTheKeyKeptInTheGivenDirectory(@org.junit.jupiter.api.io.TempDir Path keys) {
        LocalStackOptions options = Main.parseArguments("--auth", "jwt", "--jwt-keys", keys.toString());
        assertEquals(AuthMode.JWT, options.authMode());
        assertEquals(LocalJwtKey.loadOrCreate(keys).keyId(), options.jwtKey().keyId());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.parseArguments("--auth", "basic"));
        assertThrows(IllegalArgumentException.class, () -> Main.parseArguments("--port"));
        assertThrows(IllegalArgumentException.class, () -> Main.parseArguments("--parameter-overrides", "NoEquals"));
        assertThrows(IllegalArgumentException.class, () -> Main.parseArguments("--frobnicate"));
    }
}
