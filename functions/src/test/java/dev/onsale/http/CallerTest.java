package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void subjectClaimIsTheUser() {
        Caller caller = Caller.fromClaims(Map.of("sub", "42"), "admin");
        assertEquals(Optional.of("42"), caller.userId());
        assertFalse(caller.admin());
    }

    @Test
    void cognitoGroupsFlattenedByApiGatewayGrantAdmin() {
        assertTrue(Caller.fromClaims(Map.of("sub", "1", "cognito:groups", "[fans admin]"), "admin").admin());
    }

    @Test
    void spaceSeparatedScopesGrantAdmin() {
        assertTrue(Caller.fromClaims(Map.of("scope", "openid admin"), "admin").admin());
    }

    @Test
    void aGroupThatOnlyContainsTheAdminNameDoesNotGrantAdmin() {
        assertFalse(Caller.fromClaims(Map.of("cognito:groups", "[administrators]"), "admin").admin());
    }

    @Test
    void noClaimsIsAnonymous() {
        assertEquals(Caller.ANONYMOUS, Caller.fromClaims(Map.of(), "admin"));
        assertEquals(Caller.ANONYMOUS, Caller.fromClaims(null, "admin"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\u0000", "a\nb", "\ud800", "x\udfff"})
    void aSubjectWithControlCharactersOrBrokenUnicodeIsNoUser(String sub) {
        assertEquals(Optional.empty(), Caller.fromClaims(Map.of("sub", sub), "admin").userId());
    }

    @Test
    void aSubjectLongerThan128CharactersIsNoUser() {
        assertEquals(Optional.empty(), Caller.fromClaims(Map.of("sub", "u".repeat(129)), "admin").userId());
        assertEquals(Optional.of("u".repeat(128)), Caller.fromClaims(Map.of("sub", "u".repeat(128)), "admin").userId());
        assertEquals(Optional.of("\u05d0\ud83d\ude00"), Caller.fromClaims(Map.of("sub", "\u05d0\ud83d\ude00"), "admin").userId());
    }
}
