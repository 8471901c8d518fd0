package dev.onsale.waitingroom;

import dev.onsale.platform.Config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitingRoomServiceTest {
    private static final Instant NOW = Instant.parse("2027-06-01T18:00:00Z");

    private static WaitingRoomStore.Visit queuedAt(long position, int free, double ratePerSecond) {
        return new WaitingRoomStore.Visit(WaitingRoomStore.State.QUEUED, 10, NOW, position, free, ratePerSecond,
                Instant.EPOCH, 100, 300, NOW, position, 0);
    }

    @Test
    void thosePastTheFreeSlotsWaitNothing() {
        assertEquals(0, WaitingRoomService.estimatedWaitSeconds(queuedAt(3, 5, 0.5)));
        assertEquals(0, WaitingRoomService.estimatedWaitSeconds(queuedAt(5, 5, 0)));
    }

    @Test
    void theWaitIsThePlacesAheadOverTheMeasuredRate() {
        assertEquals(20, WaitingRoomService.estimatedWaitSeconds(queuedAt(12, 2, 0.5)));
        assertEquals(10, WaitingRoomService.estimatedWaitSeconds(queuedAt(12, 2, 1.0)));
        assertEquals(1, WaitingRoomService.estimatedWaitSeconds(queuedAt(11, 10, 3.0)), "rounded up");
    }

    @Test
    void beforeAnyAdmissionTheRateIsFullSessionsBackToBack() {
        // 100 sessions of 300 s: 1 admission every 3 s
        assertEquals(30, WaitingRoomService.estimatedWaitSeconds(queuedAt(10, 0, 0)));
    }

    @Test
    void checkInsComeSoonerNearTheFrontAndAlwaysWithinTheStallWindow() {
        WaitingRoomService service = serviceWith(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertEquals(1, service.pollAfterSeconds(0));
        assertEquals(3, service.pollAfterSeconds(35));
        assertEquals(10, service.pollAfterSeconds(3_600));
        assertTrue(service.pollAfterSeconds(1_000_000) * 3 <= 30);
    }

    @Test
    void checkInsAreNeverAskedSoonerThanThePollInterval() {
        // the pace the status route's per-user limit lets through: asking for less would have it refuse honest fans
        WaitingRoomService service = serviceWith(Duration.ofSeconds(30), Duration.ofSeconds(4));
        assertEquals(4, service.pollAfterSeconds(0));
        assertEquals(5, service.pollAfterSeconds(55));
        assertEquals(10, service.pollAfterSeconds(3_600));
        assertEquals(12, serviceWith(Duration.ofSeconds(30), Duration.ofSeconds(12)).pollAfterSeconds(3_600),
                "a poll interval above the usual ceiling wins");
    }

    private static WaitingRoomService serviceWith(Duration stallWindow, Duration pollInterval) {
        Config.WaitingRoom settings = new Config.WaitingRoom(Optional.empty(), Duration.ofMinutes(5), stallWindow,
                Duration.ofDays(1), 100, Duration.ofMinutes(5), pollInterval);
        return new WaitingRoomService(null, new AdmissionTokens(TokenKeys.of(new TokenKeys.Key(1, "s".repeat(32))), Clock.systemUTC()),
                settings, Clock.systemUTC());
    }

    @Test
    void theSettingsNameTheKeysSecretNotItsValue() {
        Config.WaitingRoom settings = Config.WaitingRoom.from(Map.of(
                "WAITING_ROOM_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:keys-AbCdEf")::get);
        assertEquals(Optional.of("arn:aws:secretsmanager:us-east-1:123456789012:secret:keys-AbCdEf"), settings.secretArn());
        assertEquals(Duration.ofMinutes(5), settings.keysRefresh(), "the default refresh age");
        assertEquals(Optional.empty(), Config.WaitingRoom.from(name -> null).secretArn());
    }

    @Test
    void theLongestTokenLifetimeIsTheQueueTokensOrTheLongestSession() {
        assertEquals(Duration.ofDays(1), WaitingRoomService.longestTokenLifetime(Config.WaitingRoom.from(name -> null)));
        assertEquals(Duration.ofDays(2), WaitingRoomService.longestTokenLifetime(Config.WaitingRoom.from(
                Map.of("WAITING_ROOM_QUEUE_TOKEN_SECONDS", "172800")::get)));
        assertEquals(Duration.ofDays(1), WaitingRoomService.longestTokenLifetime(Config.WaitingRoom.from(
                Map.of("WAITING_ROOM_QUEUE_TOKEN_SECONDS", "60")::get)), "an access token may last a day-long session");
    }
}
