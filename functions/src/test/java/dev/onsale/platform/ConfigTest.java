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
}
