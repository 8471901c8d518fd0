package dev.onsale.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every setting of the functions, read once from environment variables. The same code runs on AWS,
 * LocalStack and the embedded stack: only these variables differ.
 */
public record Config(
        String region,
        Optional<URI> dynamoDbEndpoint,
        Optional<URI> sqsEndpoint,
        Optional<URI> secretsManagerEndpoint,
        Optional<AccessKeys> accessKeys,
        String eventsTable,
        String seatsTable,
        String bookingsTable,
        String idempotencyTable,
        String codesTable,
        String holdExpiryQueueUrl,
        RedisSettings redis,
        String adminGroup,
        String adminGroupsClaim,
        String adminScope,
        Duration seatMapFresh,
        Duration seatMapRebuildWait,
        Duration seatMapRebuildLock,
        Duration eventCache,
        int maxSeatsPerEvent,
        Duration holdTime,
        int maxSeatsPerBooking,
        int maxActiveHoldsPerEvent,
        Duration idempotencyTtl,
        int writeAttempts,
        FairSale fairSale,
        Payments payments,
        Protection protection,
        WaitingRoom waitingRoom,
        Telemetry telemetry) {

    /**
     * Who may call the admin routes: {@code ADMIN_GROUP} in the groups claim {@code ADMIN_GROUPS_CLAIM}; a scope
     * only when {@code ADMIN_SCOPE} names one (empty by default: no scope makes an admin).
     */
    public dev.onsale.http.Caller.AdminRule admins() {
        return new dev.onsale.http.Caller.AdminRule(adminGroupsClaim, adminGroup, adminScope);
    }

    /**
     * The credentials in the environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
     * {@code AWS_SESSION_TOKEN}): the function's role session, as Lambda (or a local stack) sets them.
     */
    public record AccessKeys(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        /** Never prints the secret parts. */
        @Override
        public String toString() {
            return "AccessKeys[accessKeyId=" + accessKeyId + "]";
        }
    }

    /** The same settings signing with other credentials (a test on a local stack doing another function's part). */
    public Config withAccessKeys(Optional<AccessKeys> keys) {
        return new Config(region, dynamoDbEndpoint, sqsEndpoint, secretsManagerEndpoint, keys, eventsTable, seatsTable, bookingsTable, idempotencyTable,
                codesTable, holdExpiryQueueUrl, redis, adminGroup, adminGroupsClaim, adminScope, seatMapFresh, seatMapRebuildWait,
                seatMapRebuildLock, eventCache, maxSeatsPerEvent, holdTime, maxSeatsPerBooking, maxActiveHoldsPerEvent,
                idempotencyTtl, writeAttempts, fairSale, payments, protection, waitingRoom, telemetry);
    }

    /** Where Redis is and how to speak to it. */
    public record RedisSettings(String host, int port, boolean tls, boolean cluster, Duration timeout) {
    }

    /** A rate limit's quota: {@code quota} requests per {@code window}, written {@code "20/60"} (per 60 seconds). */
    public record Rate(int quota, Duration window) {
        public Rate {
            if (quota < 1 || window.toMillis() < 1) {
                throw new IllegalArgumentException("a rate needs a positive quota and window: " + quota + "/" + window);
            }
        }

        /**
         * One request per {@code interval}, and up to {@code burst} of them at once: {@code burst} requests per
         * {@code burst x interval}, whose GCRA emission interval is exactly {@code interval}.
         */
        public static Rate paced(Duration interval, int burst) {
            return new Rate(burst, interval.multipliedBy(burst));
        }

        static Rate parse(String name, String text) {
            String[] parts = text.split("/");
            try {
                if (parts.length == 2) {
                    return new Rate(Integer.parseInt(parts[0].trim()), Duration.ofSeconds(Long.parseLong(parts[1].trim())));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Environment variable " + name + " is not QUOTA/SECONDS: " + text, e);
            }
            throw new IllegalStateException("Environment variable " + name + " is not QUOTA/SECONDS: " + text);
        }
    }

    /**
     * What keeps one account, or one address, from taking an event (all counted per event, in the hold's own transaction).
     *
     * @param maxTicketsPerAccount   {@code MAX_TICKETS_PER_ACCOUNT}: seats one account may hold and buy, together
     * @param maxHeldSeatsPerAddress {@code MAX_HELD_SEATS_PER_ADDRESS}: seats held at once from one source address
     *                               (generous: a campus or a carrier's NAT puts many fans behind one address)
     * @param reholdCooldown         {@code REHOLD_COOLDOWN_SECONDS}: how long an account may not hold again a seat it
     *                               cancelled or let lapse
     * @param holdTimePerAccount     {@code HOLD_TIME_PER_ACCOUNT_SECONDS}: the hold time one account may use, in all
     *                               (a hold's unused time is given back when it is confirmed or cancelled)
     * @param paymentTimeout         {@code PAYMENT_TIMEOUT_SECONDS}: how long a confirm keeps the seats secured while
     *                               it charges; after it the expiry path settles the charge
     */
    public record FairSale(int maxTicketsPerAccount, int maxHeldSeatsPerAddress, Duration reholdCooldown,
                           Duration holdTimePerAccount, Duration paymentTimeout) {
    }

    /**
     * The simulated payment provider's faults (see {@code SimulatedPayments.Faults}): none by default.
     *
     * @param latency     {@code PAYMENTS_LATENCY_MS}: how long each charge takes
     * @param declineRate {@code PAYMENTS_DECLINE_RATE}: the share of charges declined, 0 to 1
     * @param failureRate {@code PAYMENTS_FAILURE_RATE}: the share of charges left unanswered, 0 to 1
     */
    public record Payments(Duration latency, double declineRate, double failureRate) {
    }

    /**
     * Surge protection: the routes' rate limits, the bot rules' thresholds, the cooling-off they impose,
     * and how long the guards wait for Redis before applying a route's fail-open or fail-closed policy.
     * {@code waitingRoomStatusPerUser} has no variable of its own: it is derived from the poll interval
     * ({@code WAITING_ROOM_POLL_SECONDS}), so a fan checking in as asked is never refused, with
     * {@code WAITING_ROOM_STATUS_BURST} check-ins that may come sooner (jitter, a reload).
     * {@code codeRedeemPerUser} ({@code CODE_REDEEM_LIMIT_PER_USER}) and {@code codeRedeemPerIp}
     * ({@code CODE_REDEEM_LIMIT_PER_IP}) pace presale-code redemptions: a fan needs one, and guessing codes must be slow.
     */
    public record Protection(
            Rate seatMapPerUser,
            Rate seatMapPerIp,
            Rate bookingPerUser,
            Rate bookingPerIp,
            Rate bookingChangePerUser,
            Rate waitingRoomJoinPerUser,
            Rate waitingRoomJoinPerIp,
            Rate waitingRoomStatusPerUser,
            Rate waitingRoomStatusPerIp,
            Rate codeRedeemPerUser,
            Rate codeRedeemPerIp,
            int seatChecksPerMinute,
            int seatChecksPerHour,
            int bookingAttemptsPerHour,
            int failedHolds,
            Duration failedHoldsWindow,
            int fastBookings,
            Duration humanInterval,
            Duration coolingOff,
            Duration longestCoolingOff,
            Duration strikesKept,
            Duration guardTimeout) {
    }

    public static Config fromEnvironment() {
        return from(name -> Environment.get(name).orElse(null));
    }

    public static Config from(Function<String, String> variables) {
        return from(variables, (name, fallback) -> { });
    }

    /**
     * Every variable the configuration reads that has a default, with the default as the text a variable would hold
     * ({@code 500}, {@code 20/60}, {@code false}): the one place defaults are written, to which template.yaml's
     * {@code Globals} and docs/configuration.md are held ({@code DefaultsAgreeTest}).
     */
    public static Map<String, String> defaults() {
        Map<String, String> defaults = new TreeMap<>();
        from(name -> null, defaults::putIfAbsent);
        return defaults;
    }

    private static Config from(Function<String, String> variables, BiConsumer<String, String> defaults) {
        Settings env = new Settings(variables, defaults);
        // The soonest a check-in answer asks for the next: the status limit lets exactly that pace through
        Duration pollInterval = Duration.ofSeconds(env.positive("WAITING_ROOM_POLL_SECONDS", 1));
        return new Config(
                env.text("AWS_REGION", env.text("AWS_DEFAULT_REGION", "us-east-1")),
                env.uri("AWS_ENDPOINT_URL_DYNAMODB").or(() -> env.uri("AWS_ENDPOINT_URL")),
                env.uri("AWS_ENDPOINT_URL_SQS").or(() -> env.uri("AWS_ENDPOINT_URL")),
                env.uri("AWS_ENDPOINT_URL_SECRETS_MANAGER").or(() -> env.uri("AWS_ENDPOINT_URL")),
                env.accessKeys(),
                env.text("EVENTS_TABLE", "onsale-events"),
                env.text("SEATS_TABLE", "onsale-seats"),
                env.text("BOOKINGS_TABLE", "onsale-bookings"),
                env.text("IDEMPOTENCY_TABLE", "onsale-idempotency"),
                env.text("CODES_TABLE", "onsale-codes"),
                env.text("HOLD_EXPIRY_QUEUE_URL", ""),
                new RedisSettings(
                        env.text("REDIS_HOST", "127.0.0.1"),
                        env.integer("REDIS_PORT", 6379),
                        env.bool("REDIS_TLS", false),
                        env.bool("REDIS_CLUSTER", false),
                        env.millis("REDIS_TIMEOUT_MS", 500)),
                env.text("ADMIN_GROUP", "admin"),
                env.text("ADMIN_GROUPS_CLAIM", "cognito:groups"),
                env.text("ADMIN_SCOPE", ""),
                env.millis("SEAT_MAP_FRESH_MS", 500),
                env.millis("SEAT_MAP_REBUILD_WAIT_MS", 1000),
                env.millis("SEAT_MAP_REBUILD_LOCK_MS", 15_000),
                Duration.ofSeconds(env.integer("EVENT_CACHE_SECONDS", 30)),
                env.integer("MAX_SEATS_PER_EVENT", 100_000),
                Duration.ofSeconds(env.integer("HOLD_SECONDS", 600)),
                env.integer("MAX_SEATS_PER_BOOKING", 8),
                env.integer("MAX_ACTIVE_HOLDS_PER_EVENT", 2),
                Duration.ofSeconds(env.integer("IDEMPOTENCY_TTL_SECONDS", 86_400)),
                env.integer("WRITE_ATTEMPTS", 5),
                new FairSale(
                        env.integer("MAX_TICKETS_PER_ACCOUNT", 8),
                        env.integer("MAX_HELD_SEATS_PER_ADDRESS", 100),
                        Duration.ofSeconds(env.integer("REHOLD_COOLDOWN_SECONDS", 300)),
                        Duration.ofSeconds(env.integer("HOLD_TIME_PER_ACCOUNT_SECONDS", 1800)),
                        Duration.ofSeconds(env.integer("PAYMENT_TIMEOUT_SECONDS", 30))),
                new Payments(
                        env.millis("PAYMENTS_LATENCY_MS", 0),
                        env.fraction("PAYMENTS_DECLINE_RATE", 0),
                        env.fraction("PAYMENTS_FAILURE_RATE", 0)),
                new Protection(
                        env.rate("SEAT_MAP_LIMIT_PER_USER", "20/60"),
                        env.rate("SEAT_MAP_LIMIT_PER_IP", "600/60"),
                        env.rate("BOOKING_LIMIT_PER_USER", "10/60"),
                        env.rate("BOOKING_LIMIT_PER_IP", "600/60"),
                        env.rate("BOOKING_CHANGE_LIMIT_PER_USER", "20/60"),
                        env.rate("WAITING_ROOM_JOIN_LIMIT_PER_USER", "10/60"),
                        env.rate("WAITING_ROOM_JOIN_LIMIT_PER_IP", "60/10"),
                        Rate.paced(pollInterval, env.positive("WAITING_ROOM_STATUS_BURST", 3)),
                        env.rate("WAITING_ROOM_STATUS_LIMIT_PER_IP", "200/10"),
                        env.rate("CODE_REDEEM_LIMIT_PER_USER", "5/60"),
                        env.rate("CODE_REDEEM_LIMIT_PER_IP", "30/60"),
                        env.integer("BOT_SEAT_CHECKS_PER_MINUTE", 30),
                        env.integer("BOT_SEAT_CHECKS_PER_HOUR", 600),
                        env.integer("BOT_BOOKING_ATTEMPTS_PER_HOUR", 40),
                        env.integer("BOT_FAILED_HOLDS", 10),
                        Duration.ofSeconds(env.integer("BOT_FAILED_HOLDS_WINDOW_SECONDS", 600)),
                        env.integer("BOT_FAST_BOOKINGS", 5),
                        env.millis("BOT_HUMAN_INTERVAL_MS", 500),
                        Duration.ofSeconds(env.integer("BOT_COOLING_OFF_SECONDS", 60)),
                        Duration.ofSeconds(env.integer("BOT_COOLING_OFF_MAX_SECONDS", 3600)),
                        Duration.ofSeconds(env.integer("BOT_STRIKES_KEPT_SECONDS", 86_400)),
                        env.millis("GUARD_TIMEOUT_MS", 200)),
                new WaitingRoom(
                        Optional.ofNullable(env.text("WAITING_ROOM_SECRET_ARN", null)),
                        Duration.ofSeconds(env.positive("WAITING_ROOM_KEYS_REFRESH_SECONDS", 300)),
                        Duration.ofSeconds(env.positive("WAITING_ROOM_CLAIM_SECONDS", 60)),
                        Duration.ofSeconds(env.integer("WAITING_ROOM_QUEUE_TOKEN_SECONDS", 86_400)),
                        env.integer("WAITING_ROOM_MAX_CONCURRENT", 100),
                        Duration.ofSeconds(env.integer("WAITING_ROOM_SESSION_SECONDS", 300)),
                        env.integer("WAITING_ROOM_ADMIT_PER_MINUTE", 0),
                        pollInterval,
                        env.millis("WAITING_ROOM_DOOR_READ_MS", 1000)),
                new Telemetry(
                        env.text("METRICS_NAMESPACE", Metrics.DEFAULT_NAMESPACE),
                        Log.Level.parse(env.text("LOG_LEVEL", env.text("AWS_LAMBDA_LOG_LEVEL", "INFO")))));
    }

    /**
     * What the functions report and how much they log.
     *
     * @param metricsNamespace {@code METRICS_NAMESPACE}: the CloudWatch namespace of every metric
     * @param logLevel         {@code LOG_LEVEL}, else {@code AWS_LAMBDA_LOG_LEVEL} (which Lambda sets from the
     *                         function's {@code ApplicationLogLevel}): lines below it are not written
     */
    public record Telemetry(String metricsNamespace, Log.Level logLevel) {

        public static Telemetry from(java.util.function.Function<String, String> variables) {
            return Config.from(variables).telemetry();
        }

        public static Telemetry fromEnvironment() {
            return from(name -> Environment.get(name).orElse(null));
        }
    }

    /**
     * The waiting room's settings.
     *
     * @param secretArn            {@code WAITING_ROOM_SECRET_ARN}: the Secrets Manager secret holding the tokens' HMAC
     *                             keys (the functions that sign or verify tokens have it, and may read it; the others not)
     * @param keysRefresh          {@code WAITING_ROOM_KEYS_REFRESH_SECONDS}: keys older than this are read again in the
     *                             background, so that a rotation reaches warm functions
     * @param claimWindow          {@code WAITING_ROOM_CLAIM_SECONDS}: how long a fan whose turn came has to check in and
     *                             take the session before the place lapses (fans far back never check in with Redis:
     *                             abandonment is found at the turn); polls far back come at most half of it apart
     * @param queueTokenTtl        {@code WAITING_ROOM_QUEUE_TOKEN_SECONDS}: how long a queue token stays good after joining
     * @param defaultMaxConcurrent {@code WAITING_ROOM_MAX_CONCURRENT}: sessions at once when enabling names none
     * @param defaultSession       {@code WAITING_ROOM_SESSION_SECONDS}: a session's length when enabling names none
     * @param defaultAdmitPerMinute {@code WAITING_ROOM_ADMIT_PER_MINUTE}: new fans let in per minute when enabling names
     *                             none; 0: no rate cap (only {@code max_concurrent})
     * @param pollInterval         {@code WAITING_ROOM_POLL_SECONDS}: the soonest a check-in answer asks for the next
     *                             ({@code poll_after_seconds} never says less); the per-user status limit is one
     *                             check-in per this interval ({@link Protection#waitingRoomStatusPerUser})
     * @param doorRead             {@code WAITING_ROOM_DOOR_READ_MS}: how old a function instance's reading of a room's
     *                             door may grow before its next status poll reads it again (and moves it)
     */
    public record WaitingRoom(Optional<String> secretArn, Duration keysRefresh, Duration claimWindow, Duration queueTokenTtl,
                              int defaultMaxConcurrent, Duration defaultSession, int defaultAdmitPerMinute, Duration pollInterval,
                              Duration doorRead) {

        public static WaitingRoom from(Function<String, String> variables) {
            return Config.from(variables).waitingRoom();
        }

        public WaitingRoom withClaimWindow(Duration claimWindow) {
            return new WaitingRoom(secretArn, keysRefresh, claimWindow, queueTokenTtl, defaultMaxConcurrent, defaultSession,
                    defaultAdmitPerMinute, pollInterval, doorRead);
        }

        public WaitingRoom withDoorRead(Duration doorRead) {
            return new WaitingRoom(secretArn, keysRefresh, claimWindow, queueTokenTtl, defaultMaxConcurrent, defaultSession,
                    defaultAdmitPerMinute, pollInterval, doorRead);
        }

        /** The longest a poll answer asks a fan to wait before the next: half the claim window, so a turn is never missed. */
        public Duration longestPollInterval() {
            return claimWindow.dividedBy(2).compareTo(pollInterval) > 0 ? claimWindow.dividedBy(2) : pollInterval;
        }
    }

    /** Typed reads of variables; a malformed value fails at start, naming the variable. */
    private record Settings(Function<String, String> variables, BiConsumer<String, String> defaults) {
        String text(String name, String fallback) {
            if (fallback != null) {
                defaults.accept(name, fallback);
            }
            String value = variables.apply(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        Optional<URI> uri(String name) {
            return Optional.ofNullable(text(name, null)).map(URI::create);
        }

        Optional<AccessKeys> accessKeys() {
            String id = text("AWS_ACCESS_KEY_ID", null);
            String secret = text("AWS_SECRET_ACCESS_KEY", null);
            return id == null || secret == null ? Optional.empty()
                    : Optional.of(new AccessKeys(id, secret, Optional.ofNullable(text("AWS_SESSION_TOKEN", null))));
        }

        int integer(String name, int fallback) {
            defaults.accept(name, Integer.toString(fallback));
            String value = text(name, null);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("Environment variable " + name + " is not an integer: " + value, e);
            }
        }

        int positive(String name, int fallback) {
            int value = integer(name, fallback);
            if (value < 1) {
                throw new IllegalStateException("Environment variable " + name + " must be at least 1: " + value);
            }
            return value;
        }

        /** A share from 0 to 1. */
        double fraction(String name, double fallback) {
            defaults.accept(name, fallback == (long) fallback ? Long.toString((long) fallback) : Double.toString(fallback));
            String value = text(name, null);
            if (value == null) {
                return fallback;
            }
            try {
                double share = Double.parseDouble(value);
                if (share >= 0 && share <= 1) {
                    return share;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalStateException("Environment variable " + name + " is not a share from 0 to 1: " + value);
        }

        boolean bool(String name, boolean fallback) {
            defaults.accept(name, Boolean.toString(fallback));
            String value = text(name, null);
            return value == null ? fallback : Boolean.parseBoolean(value);
        }

        Rate rate(String name, String fallback) {
            return Rate.parse(name, text(name, fallback));
        }

        Duration millis(String name, int fallback) {
            return Duration.ofMillis(integer(name, fallback));
        }
    }
}
