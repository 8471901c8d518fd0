package dev.onsale.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerTest {
    private static final Caller.AdminRule ADMINS = Caller.AdminRule.group("admin");

    @Test
    void subjectClaimIsTheUser() {
        Caller caller = Caller.fromClaims(Map.of("sub", "42"), ADMINS);
        assertEquals(Optional.of("42"), caller.userId());
        assertFalse(caller.admin());
    }

    @Test
    void cognitoGroupsFlattenedByApiGatewayGrantAdmin() {
        assertTrue(Caller.fromClaims(Map.of("sub", "1", "cognito:groups", "[fans admin]"), ADMINS).admin());
    }

    @Test
    void aScopeDescribesAClientAndGrantsNoAdminUnlessNamed() {
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "scope", "openid admin"), ADMINS).admin());
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "scp", "admin"), ADMINS).admin());
        Caller.AdminRule withScope = new Caller.AdminRule("cognito:groups", "admin", "onsale/admin");
        assertTrue(Caller.fromClaims(Map.of("sub", "1", "scope", "openid onsale/admin"), withScope).admin());
        assertTrue(Caller.fromClaims(Map.of("sub", "1", "scp", "[onsale/admin]"), withScope).admin());
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "scope", "admin"), withScope).admin());
    }

    @Test
    void onlyTheConfiguredGroupsClaimGrantsAdmin() {
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "groups", "[admin]"), ADMINS).admin(), "not the groups claim of this issuer");
        Caller.AdminRule okta = new Caller.AdminRule("groups", "admin", "");
        assertTrue(Caller.fromClaims(Map.of("sub", "1", "groups", "[admin]"), okta).admin());
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "cognito:groups", "[admin]"), okta).admin());
        assertFalse(Caller.fromClaims(Map.of("sub", "1", "cognito:groups", "[admin]"), Caller.AdminRule.NOBODY).admin());
    }

    @Test
    void aGroupThatOnlyContainsTheAdminNameDoesNotGrantAdmin() {
        assertFalse(Caller.fromClaims(Map.of("cognito:groups", "[administrators]"), ADMINS).admin());
    }

    @Test
    void noClaimsIsAnonymous() {
        assertEquals(Caller.ANONYMOUS, Caller.fromClaims(Map.of(), ADMINS));
        assertEquals(Caller.ANONYMOUS, Caller.fromClaims(null, ADMINS));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\u0000", "a\nb", "\ud800", "x\udfff"})
    void aSubjectWithControlCharactersOrBrokenUnicodeIsNoUser(String sub) {
        assertEquals(Optional.empty(), Caller.fromClaims(Map.of("sub", sub), ADMINS).userId());
    }

    @Test
    void aSubjectLongerThan128CharactersIsNoUser() {
        assertEquals(Optional.empty(), Caller.fromClaims(Map.of("sub", "u".repeat(129)), ADMINS).userId());
        assertEquals(Optional.of("u".repeat(128)), Caller.fromClaims(Map.of("sub", "u".repeat(128)), ADMINS).userId());
        assertEquals(Optional.of("\u05d0\ud83d\ude00"), Caller.fromClaims(Map.of("sub", "\u05d0\ud83d\ude00"), ADMINS).userId());
    }
}
