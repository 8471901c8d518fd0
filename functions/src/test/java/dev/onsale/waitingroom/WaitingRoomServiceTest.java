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

    /** A room of 100 sessions of 300 s (a floor of 1 call every 3 s), with the door's measured pace and presence. */
    private static WaitingRoomStore.Room room(int free, double callsPerSecond, long claimed, long lapsed, int admitPerMinute) {
        return new WaitingRoomStore.Room(WaitingRoomStore.RoomState.ON, 50, 0, 1_000, free, 100 - free, callsPerSecond,
                claimed, lapsed, 100, 300, admitPerMinute, Instant.EPOCH, Instant.EPOCH, NOW);
    }

    @Test
    void thosePastTheFreeSlotsWaitNothing() {
        assertEquals(new WaitingRoomService.Estimate(0, 0), WaitingRoomService.estimate(3, room(5, 0.5, 0, 0, 0)));
        assertEquals(new WaitingRoomService.Estimate(0, 0), WaitingRoomService.estimate(5, room(5, 0, 0, 0, 0)));
    }

    @Test
    void theSoonestIsThePresentPlacesAheadAtTheAchievedPaceTheLatestAllOfThemAtTheFloor() {
        // 10 ahead; nobody lapsed yet: 10 at 1/s, or 10 at the floor of 100/300 s
        assertEquals(new WaitingRoomService.Estimate(10, 30), WaitingRoomService.estimate(12, room(2, 1.0, 0, 0, 0)));
        // half of the called fans had left: 5 of the 10 are likely still there
        assertEquals(new WaitingRoomService.Estimate(5, 30), WaitingRoomService.estimate(12, room(2, 1.0, 10, 10, 0)));
    }

    @Test
    void anIdleDoorNeverMakesTheWaitLongerThanTheCapsGuarantee() {
        // the measured pace decays to nothing while nobody waits: the floor holds, no 130-day estimates
        var estimate = WaitingRoomService.estimate(10, room(0, 0.000001, 0, 0, 0));
        assertEquals(new WaitingRoomService.Estimate(30, 30), estimate);
    }

    @Test
    void anAdmissionRateCapsThePaceAndMayLowerTheFloor() {
        // 30 per minute: never faster than 0.5/s, even if sessions free up faster; the sessions' floor is slower still
        assertEquals(new WaitingRoomService.Estimate(20, 30), WaitingRoomService.estimate(10, room(0, 5.0, 0, 0, 30)));
        // 10 per minute is slower than the sessions' floor: it is the floor
        assertEquals(new WaitingRoomService.Estimate(60, 60), WaitingRoomService.estimate(10, room(0, 5.0, 0, 0, 10)));
        // 600 per minute is faster than the sessions allow: the sessions' floor stays
        assertEquals(new WaitingRoomService.Estimate(1, 30), WaitingRoomService.estimate(10, room(0, 10.0, 0, 0, 600)));
    }

    @Test
    void checkInsComeSoonerNearTheFrontNeverLaterThanHalfTheClaimWindowAndJittered() {
        WaitingRoomService service = serviceWith(Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertEquals(1, service.pollAfterSeconds(0));
        assertEquals(1, service.pollAfterSeconds(2));
        for (int i = 0; i < 200; i++) {
            int far = service.pollAfterSeconds(1_000_000);
            assertTrue(far >= 24 && far <= 30, far + " s: at most half the claim window, at most a fifth less");
            int mid = service.pollAfterSeconds(30);
            assertTrue(mid >= 8 && mid <= 10, mid + " s: a third of the soonest wait, jittered");
        }
    }

    @Test
    void checkInsAreNeverAskedSoonerThanThePollInterval() {
        // the pace the status route's per-place limit lets through: asking for less would have it refuse honest fans
        WaitingRoomService service = serviceWith(Duration.ofSeconds(60), Duration.ofSeconds(4));
        assertEquals(4, service.pollAfterSeconds(0));
        assertEquals(40, serviceWith(Duration.ofSeconds(20), Duration.ofSeconds(40)).pollAfterSeconds(3_600),
                "a poll interval above half the claim window wins");
    }

    @Test
    void waitQuantilesAreUpperBoundsOfPowerOfTwoBuckets() {
        // 6 fans admitted at once (bucket 0), 3 after 2-3 s (bucket 2: up to 4 s), 1 after 100 s (bucket 7: up to 128 s)
        Map<String, Long> waits = Map.of("b0", 6L, "b2", 3L, "b7", 1L, "m29000000", 10L);
        assertEquals(0, WaitingRoomService.waitQuantile(waits, 0.5));
        assertEquals(128, WaitingRoomService.waitQuantile(waits, 0.95));
        assertEquals(0, WaitingRoomService.waitQuantile(Map.of(), 0.95));
    }

    private static WaitingRoomService serviceWith(Duration claimWindow, Duration pollInterval) {
        Config.WaitingRoom settings = Config.WaitingRoom.from(name -> null).withClaimWindow(claimWindow);
        settings = new Config.WaitingRoom(settings.secretArn(), settings.keysRefresh(), claimWindow, settings.queueTokenTtl(),
                settings.defaultMaxConcurrent(), settings.defaultSession(), 0, pollInterval, settings.doorRead());
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
