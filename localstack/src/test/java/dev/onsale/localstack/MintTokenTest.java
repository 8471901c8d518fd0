package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MintTokenTest {

    @TempDir
    Path keys;

    private JwtValidator validator() {
        LocalJwtKey key = LocalJwtKey.loadOrCreate(keys);
        return new JwtValidator("iss-1", List.of("aud-1"), Map.of(key.keyId(), key.publicKey()), Clock.systemUTC());
    }

    private String mint(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--issuer", "iss-1", "--audience", "aud-1", "--keys", keys.toString()}, 0, all, args.length, 6);
        return MintToken.mint(MintToken.parse(all), Clock.systemUTC());
    }

    @Test
    void aUsersTokenNamesTheUserAndNoGroup() {
        var valid = assertInstanceOf(JwtValidator.Valid.class, validator().validate(mint("42", "--ttl", "60")));
        assertEquals("42", valid.claims().get("sub"));
        assertEquals(null, valid.claims().get("cognito:groups"));
        assertEquals(60, Long.parseLong(valid.claims().get("exp")) - Long.parseLong(valid.claims().get("iat")));
    }

    @Test
    void anAdminsTokenCarriesTheAdminGroup() {
        var valid = assertInstanceOf(JwtValidator.Valid.class, validator().validate(mint("ops", "--admin", "--admin-group", "staff")));
        assertEquals("[staff]", valid.claims().get("cognito:groups"));
    }

    @Test
    void anExpiredTokenIsRefusedByTheGateway() {
        assertEquals("the token has expired",
                assertInstanceOf(JwtValidator.Invalid.class, validator().validate(mint("42", "--expired"))).reason());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MintToken.parse("--admin", "--issuer", "i", "--audience", "a"));
        assertThrows(IllegalArgumentException.class, () -> MintToken.parse("42"));
        assertThrows(IllegalArgumentException.class, () -> MintToken.parse("42", "--ttl", "-5", "--issuer", "i", "--audience", "a"));
        assertThrows(IllegalArgumentException.class, () -> MintToken.parse("42", "43", "--issuer", "i", "--audience", "a"));
    }
}
