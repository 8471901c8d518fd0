package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void readsEveryVariableItKnows() {
        Config config = Config.from(Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9000",
                "SEATS_TABLE", "seats",
                "REDIS_PORT", "6380",
                "REDIS_TLS", "true",
                "SEAT_MAP_FRESH_MS", "250")::get);
        assertEquals("eu-west-1", config.region());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), config.dynamoDbEndpoint());
        assertEquals(Optional.empty(), config.sqsEndpoint());
        assertEquals("seats", config.seatsTable());
        assertEquals(6380, config.redis().port());
        assertTrue(config.redis().tls());
        assertEquals(Duration.ofMillis(250), config.seatMapFresh());
    }

    @Test
    void aMalformedNumberFailsNamingTheVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Config.from(Map.of("REDIS_PORT", "six")::get));
        assertTrue(e.getMessage().contains("REDIS_PORT"));
    }

    @Test
    void aLocalRuntimesPropertyWinsOverTheProcessEnvironment() {
        System.setProperty("lambda.env.ONSALE_TEST_VARIABLE", "local");
        try {
            assertEquals(Optional.of("local"), Environment.get("ONSALE_TEST_VARIABLE"));
        } finally {
            System.clearProperty("lambda.env.ONSALE_TEST_VARIABLE");
        }
        assertEquals(Optional.empty(), Environment.get("ONSALE_TEST_VARIABLE"));
    }

    @Test
    void surgeProtectionComesFromTheEnvironmentWithTheSeedsDefaults() {
        Config.Protection defaults = Config.from(Map.<String, String>of()::get).protection();
        assertEquals(new Config.Rate(20, Duration.ofMinutes(1)), defaults.seatMapPerUser());
        assertEquals(Duration.ofMillis(200), defaults.guardTimeout());

        Config.Protection set = Config.from(Map.of(
                "SEAT_MAP_LIMIT_PER_IP", "1000/30",
                "BOT_SEAT_CHECKS_PER_MINUTE", "12",
                "BOT_COOLING_OFF_SECONDS", "5")::get).protection();
        assertEquals(new Config.Rate(1000, Duration.ofSeconds(30)), set.seatMapPerIp());
        assertEquals(12, set.seatChecksPerMinute());
        assertEquals(Duration.ofSeconds(5), set.coolingOff());
    }

    @Test
    void theWaitingRoomsLimitsComeFromTheEnvironmentWithDocumentedDefaults() {
        Config defaults = Config.from(Map.<String, String>of()::get);
        assertEquals(new Config.Rate(10, Duration.ofMinutes(1)), defaults.protection().waitingRoomJoinPerUser());
        assertEquals(new Config.Rate(60, Duration.ofSeconds(10)), defaults.protection().waitingRoomJoinPerIp());
        assertEquals(new Config.Rate(200, Duration.ofSeconds(10)), defaults.protection().waitingRoomStatusPerIp());
        assertEquals(Duration.ofSeconds(1), defaults.waitingRoom().pollInterval());
        assertEquals(new Config.Rate(3, Duration.ofSeconds(3)), defaults.protection().waitingRoomStatusPerUser(),
                "one check-in a second, three at once");

        Config set = Config.from(Map.of(
                "WAITING_ROOM_JOIN_LIMIT_PER_IP", "500/60",
                "WAITING_ROOM_POLL_SECONDS", "2",
                "WAITING_ROOM_STATUS_BURST", "5")::get);
        assertEquals(new Config.Rate(500, Duration.ofMinutes(1)), set.protection().waitingRoomJoinPerIp());
        assertEquals(Duration.ofSeconds(2), set.waitingRoom().pollInterval());
        assertEquals(new Config.Rate(5, Duration.ofSeconds(10)), set.protection().waitingRoomStatusPerUser(),
                "the status limit follows the poll interval: one check-in every 2 s, five at once");
    }

    @Test
    void presaleCodeRedemptionsArePacedPerUserAndPerAddress() {
        Config defaults = Config.from(Map.<String, String>of()::get);
        assertEquals(new Config.Rate(5, Duration.ofMinutes(1)), defaults.protection().codeRedeemPerUser());
        assertEquals(new Config.Rate(30, Duration.ofMinutes(1)), defaults.protection().codeRedeemPerIp());
        assertEquals("onsale-codes", defaults.codesTable());

        Config set = Config.from(Map.of("CODE_REDEEM_LIMIT_PER_USER", "2/60", "CODE_REDEEM_LIMIT_PER_IP", "10/30",
                "CODES_TABLE", "codes")::get);
        assertEquals(new Config.Rate(2, Duration.ofMinutes(1)), set.protection().codeRedeemPerUser());
        assertEquals(new Config.Rate(10, Duration.ofSeconds(30)), set.protection().codeRedeemPerIp());
        assertEquals("codes", set.codesTable());
    }

    @Test
    void aPollIntervalOrStatusBurstBelowOneFailsNamingTheVariable() {
        for (String name : new String[] {"WAITING_ROOM_POLL_SECONDS", "WAITING_ROOM_STATUS_BURST"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Config.from(Map.of(name, "0")::get), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void aMalformedRateFailsNamingTheVariable() {
        for (String bad : new String[] {"20", "20/", "x/60", "0/60", "20/0"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Config.from(Map.of("BOOKING_LIMIT_PER_USER", bad)::get), bad);
            assertTrue(e.getMessage().contains("BOOKING_LIMIT_PER_USER"), e.getMessage());
        }
    }
}
