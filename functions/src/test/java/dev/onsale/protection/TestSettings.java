package dev.onsale.protection;

import dev.onsale.platform.Config;
import java.time.Duration;

/** Surge-protection settings for tests: the template's defaults, with what a test needs changed (short cooling-off, small thresholds). */
final class TestSettings {
    Config.Rate seatMapPerUser = new Config.Rate(20, Duration.ofMinutes(1));
    Config.Rate seatMapPerIp = new Config.Rate(600, Duration.ofMinutes(1));
    Config.Rate bookingPerUser = new Config.Rate(10, Duration.ofMinutes(1));
    Config.Rate bookingPerIp = new Config.Rate(600, Duration.ofMinutes(1));
    Config.Rate bookingChangePerUser = new Config.Rate(20, Duration.ofMinutes(1));
    Config.Rate waitingRoomJoinPerUser = new Config.Rate(10, Duration.ofMinutes(1));
    Config.Rate waitingRoomJoinPerIp = new Config.Rate(60, Duration.ofSeconds(10));
    Config.Rate waitingRoomStatusPerUser = Config.Rate.paced(Duration.ofSeconds(1), 3);
    Config.Rate waitingRoomStatusPerIp = new Config.Rate(200, Duration.ofSeconds(10));
    Config.Rate codeRedeemPerUser = new Config.Rate(5, Duration.ofMinutes(1));
    Config.Rate codeRedeemPerIp = new Config.Rate(30, Duration.ofMinutes(1));
    int seatChecksPerMinute = 30;
    int seatChecksPerHour = 600;
    int bookingAttemptsPerHour = 40;
    int failedHolds = 10;
    Duration failedHoldsWindow = Duration.ofMinutes(10);
    int fastBookings = 5;
    Duration humanInterval = Duration.ofMillis(500);
    Duration coolingOff = Duration.ofSeconds(60);
    Duration longestCoolingOff = Duration.ofHours(1);
    Duration strikesKept = Duration.ofDays(1);
    Duration guardTimeout = Duration.ofMillis(200);

    /** Limits out of the way, so that only the bot rules decide. */
    static TestSettings rulesOnly() {
        TestSettings settings = new TestSettings();
        settings.seatMapPerUser = new Config.Rate(10_000, Duration.ofMinutes(1));
        settings.bookingPerUser = new Config.Rate(10_000, Duration.ofMinutes(1));
        settings.seatChecksPerMinute = 10_000;
        settings.seatChecksPerHour = 10_000;
        settings.bookingAttemptsPerHour = 10_000;
        settings.failedHolds = 10_000;
        settings.fastBookings = 10_000;
        settings.humanInterval = Duration.ofMillis(1);
        settings.coolingOff = Duration.ofMillis(400);
        settings.longestCoolingOff = Duration.ofMillis(1_000);
        settings.strikesKept = Duration.ofMillis(1_500);
        return settings;
    }

    Config.Protection build() {
        return new Config.Protection(seatMapPerUser, seatMapPerIp, bookingPerUser, bookingPerIp, bookingChangePerUser,
                waitingRoomJoinPerUser, waitingRoomJoinPerIp, waitingRoomStatusPerUser, waitingRoomStatusPerIp,
                codeRedeemPerUser, codeRedeemPerIp, seatChecksPerMinute, seatChecksPerHour, bookingAttemptsPerHour, failedHolds, failedHoldsWindow,
                fastBookings, humanInterval, coolingOff, longestCoolingOff, strikesKept, guardTimeout);
    }

    SurgeProtection protection() {
        return new SurgeProtection(build());
    }
}
