package dev.onsale.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.booking.BookingService;
import dev.onsale.booking.ConfirmBookingHandler;
import dev.onsale.booking.CreateBookingHandler;
import dev.onsale.booking.HoldRequest;
import dev.onsale.catalog.CatalogService;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.catalog.GetSeatMapHandler;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.RedisServers;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.WaitingRoomService;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * redis-server killed and started again under load. The functions' handlers are built as in AWS, with
 * every collaborator on a redis-server of this test's own (DynamoDB and SQS are the shared stack's), while
 * fans hold overlapping seats, confirm, and read the seat map: no seat ever has two owners, while Redis
 * is down the seat map is served (fails open) and holds and confirms answer 503 with Retry-After (fail
 * closed), nothing answers 500, and once Redis is back both work again without restarting anything.
 */
@ExtendWith(EmbeddedStack.class)
class RedisRestartIT {
    private static final int POOL = 40;                // seats the load fights over
    private static final int PROBE_FROM = 241;          // seats 241-250: kept for the recovery probe
    private static final int UP = 0, DOWN = 1, BACK = 2;
    private static final long DOWN_FOR_MILLIS = 3_000;
    /** Generous: the test shares 2 cores with other builds; {@link #aLongOutageIsFollowedByAPromptReconnect} bounds the reconnect itself. */
    private static final long RECOVERY_BOUND_SECONDS = 20;

    private final LocalStack stack;

    RedisRestartIT(LocalStack stack) {
        this.stack = stack;
    }

    /** One answer, with the phases it began and ended in (an answer that straddles a change belongs to neither). */
    private record Answer(String route, int startedIn, int endedIn, APIGatewayV2HTTPResponse response) {
        boolean wholly(int phase) {
            return startedIn == phase && endedIn == phase;
        }

        int status() {
            return response.getStatusCode();
        }
    }

    /** The create-booking function's settings, on {@code redisPort}, with limits and bot rules out of the load's way. */
    private static Config config(int redisPort) {
        Map<String, String> variables = new HashMap<>(EmbeddedStack.get().functionEnvironment("CreateBookingFunction"));
        variables.putAll(Map.of("REDIS_PORT", Integer.toString(redisPort), "REDIS_TIMEOUT_MS", "1000", "GUARD_TIMEOUT_MS", "1000",
                "SEAT_MAP_LIMIT_PER_USER", "100000/60", "SEAT_MAP_LIMIT_PER_IP", "100000/60",
                "BOOKING_LIMIT_PER_USER", "100000/60", "BOOKING_LIMIT_PER_IP", "100000/60", "BOOKING_CHANGE_LIMIT_PER_USER", "100000/60"));
        variables.putAll(Map.of("BOT_SEAT_CHECKS_PER_MINUTE", "100000", "BOT_SEAT_CHECKS_PER_HOUR", "100000",
                "BOT_BOOKING_ATTEMPTS_PER_HOUR", "100000", "BOT_FAILED_HOLDS", "100000", "BOT_FAST_BOOKINGS", "100000",
                "BOT_HUMAN_INTERVAL_MS", "1"));
        return Config.from(variables::get);
    }

    private static String seatsBody(long eventId, List<Integer> seats) {
        return "{\"event_id\": " + eventId + ", \"seat_ids\": " + seats + "}";
    }

    private static APIGatewayV2HTTPEvent hold(String user, long eventId, List<Integer> seats) {
        return ApiEvents.request("POST", "/api/v1/bookings", "/api/v1/bookings", Map.of(), Map.of(), user, "198.51.100.90",
                seatsBody(eventId, seats));
    }

    private static APIGatewayV2HTTPEvent confirm(String user, long bookingId) {
        return ApiEvents.request("POST", "/api/v1/bookings/{booking_id}/confirm", "/api/v1/bookings/" + bookingId + "/confirm",
                Map.of("booking_id", Long.toString(bookingId)), Map.of(), user, "198.51.100.90", "");
    }

    private static APIGatewayV2HTTPEvent seatMap(String user, long eventId) {
        return ApiEvents.request("GET", "/api/v1/events/{event_id}/seats", "/api/v1/events/" + eventId + "/seats",
                Map.of("event_id", Long.toString(eventId)), Map.of("format", "compact"), user, "198.51.100.91", null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void bookingsStayCorrectAndEachRouteKeepsItsPolicyWhileRedisDiesAndComesBack() throws Exception {
        assumeTrue(RedisServers.executable().isPresent(), "no redis-server binary: Redis restart test skipped");
        try (RedisServers redis = RedisServers.standalone()) {
            Config config = config(redis.port());
            // Wired as the functions' no-argument constructors wire them, on this test's Redis.
            CreateBookingHandler holds = new CreateBookingHandler(BookingService.create(config), Guards.of(config, Stream.concat(
                    SurgeProtection.of(config).createBooking(CreateBookingHandler::isFailedHold).stream(),
                    Stream.of(WaitingRoomService.create(config).admissionGuard(AdmissionGuard.WhenRedisUnavailable.REFUSE,
                            HoldRequest::eventOf))).toList()), config.admins());
            // each with its own function's credentials, so that each calls DynamoDB as its role allows
            ConfirmBookingHandler confirms = new ConfirmBookingHandler(BookingService.create(EmbeddedStack.signedAs("ConfirmBookingFunction", config)),
                    Guards.of(config, SurgeProtection.of(config).changeBooking()), config.admins());
            GetSeatMapHandler seatMaps = new GetSeatMapHandler(CatalogService.create(EmbeddedStack.signedAs("GetSeatMapFunction", config)),
                    Guards.of(config, Stream.concat(
                    SurgeProtection.of(config).seatMap().stream(),
                    Stream.of(WaitingRoomService.create(config).admissionGuard(AdmissionGuard.WhenRedisUnavailable.PASS))).toList()),
                    config.admins());
            try {
                run(redis, config, holds, confirms, seatMaps);
            } finally {
                Redis.shared(config.redis()).close();
            }
        }
    }

    /**
     * Lettuce's default reconnect backoff doubles up to 30 s: after 17 s down its next attempt would come
     * ~16 s after Redis is back, and every guarded route would fail closed all that while. platform.Redis
     * caps it at a second.
     */
    @Test
    void aLongOutageIsFollowedByAPromptReconnect() throws InterruptedException {
        assumeTrue(RedisServers.executable().isPresent(), "no redis-server binary: Redis restart test skipped");
        try (RedisServers server = RedisServers.standalone()) {
            Redis redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", server.port(), false, false, Duration.ofSeconds(1)));
            try {
                assertEquals("PONG", redis.sync().ping());
                server.crash();
                Thread.sleep(17_000);
                server.restart();
                long restartedAt = System.nanoTime();
                while (!answers(redis)) {
                    assertTrue(System.nanoTime() - restartedAt < TimeUnit.SECONDS.toNanos(8), "not reconnected 8 s after Redis came back");
                    Thread.sleep(20);
                }
                System.out.printf("RedisRestartIT: reconnected %d ms after a 17 s outage ended%n",
                        (System.nanoTime() - restartedAt) / 1_000_000);
            } finally {
                redis.close();
            }
        }
    }

    private static boolean answers(Redis redis) {
        try {
            return "PONG".equals(redis.sync().ping());
        } catch (RedisException notYet) {
            return false;
        }
    }

    private void run(RedisServers redis, Config config, CreateBookingHandler holds, ConfirmBookingHandler confirms,
                     GetSeatMapHandler seatMaps) throws Exception {
        long eventId = Events.create(config, "Redis restart", 1);
        AtomicInteger phase = new AtomicInteger(UP);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger users = new AtomicInteger();
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ExecutorService fans = Executors.newFixedThreadPool(9);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            work.add(fans.submit(() -> {
                while (running.get()) {
                    String user = "fan-" + users.incrementAndGet() + "-" + System.nanoTime();
                    int first = 1 + ThreadLocalRandom.current().nextInt(POOL - 1);
                    int began = phase.get();
                    APIGatewayV2HTTPResponse held = holds.handleRequest(hold(user, eventId, List.of(first, first + 1)), null);
                    answers.add(new Answer("hold", began, phase.get(), held));
                    if (held.getStatusCode() == 201 && ThreadLocalRandom.current().nextBoolean()) {
                        began = phase.get();
                        APIGatewayV2HTTPResponse paid = confirms.handleRequest(confirm(user, json(held).get("id").asLong()), null);
                        answers.add(new Answer("confirm", began, phase.get(), paid));
                    }
                }
                return null;
            }));
        }
        for (int i = 0; i < 3; i++) {
            work.add(fans.submit(() -> {
                while (running.get()) {
                    int began = phase.get();
                    APIGatewayV2HTTPResponse map = seatMaps.handleRequest(seatMap("browser-" + users.incrementAndGet(), eventId), null);
                    answers.add(new Answer("seat map", began, phase.get(), map));
                }
                return null;
            }));
        }

        long recoveredInMillis;
        try {
            Thread.sleep(1_500);
            redis.crash();
            // only once the server is gone: a request begun just before could still pass its guards
            phase.set(DOWN);
            long crashedAt = System.nanoTime();
            awaitAnswers(answers, DOWN, Set.of("hold", "seat map"));
            Thread.sleep(Math.max(0, DOWN_FOR_MILLIS - (System.nanoTime() - crashedAt) / 1_000_000));
            phase.set(BACK);
            redis.restart();
            long restartedAt = System.nanoTime();
            recover(holds, seatMaps, eventId, restartedAt);
            recoveredInMillis = (System.nanoTime() - restartedAt) / 1_000_000;
            Thread.sleep(500); // the load runs on after recovery too
        } finally {
            running.set(false);
            fans.shutdown();
            assertTrue(fans.awaitTermination(60, TimeUnit.SECONDS), "the fans stopped");
        }
        for (Future<?> fan : work) {
            fan.get(); // a fan's exception fails the test
        }

        List<Answer> all = List.copyOf(answers);
        System.out.printf("RedisRestartIT: %d answers (%d while Redis was down); guards and holds back %d ms after the restart%n",
                all.size(), all.stream().filter(a -> a.wholly(DOWN)).count(), recoveredInMillis);
        for (Answer answer : all) {
            assertTrue(answer.status() < 500 || answer.status() == 503, answer.route() + " answered " + answer.status() + ": "
                    + answer.response().getBody());
            if (answer.status() == 503) {
                assertEquals("1", answer.response().getHeaders().get("retry-after"), answer.route() + ": " + answer.response().getBody());
            }
        }
        List<Answer> mapsWhileDown = all.stream().filter(a -> a.route().equals("seat map") && a.wholly(DOWN)).toList();
        assertFalse(mapsWhileDown.isEmpty());
        mapsWhileDown.forEach(a -> assertEquals(200, a.status(), "the seat map fails open: " + a.response().getBody()));
        List<Answer> changesWhileDown = all.stream().filter(a -> !a.route().equals("seat map") && a.wholly(DOWN)).toList();
        assertFalse(changesWhileDown.isEmpty());
        changesWhileDown.forEach(a -> {
            assertEquals(503, a.status(), a.route() + " fails closed: " + a.response().getBody());
            assertEquals("service_unavailable", json(a.response()).get("error").asText());
        });
        assertOneOwnerPerSeat(config, eventId, all);
    }

    /** Waits until at least one answer of each route began and ended while Redis was down. */
    private static void awaitAnswers(ConcurrentLinkedQueue<Answer> answers, int phase, Set<String> routes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Thread.sleep(1_000);
        while (!routes.stream().allMatch(route -> answers.stream().anyMatch(a -> a.route().equals(route) && a.wholly(phase)))) {
            if (System.nanoTime() > deadline) {
                fail("no answer of every route while Redis was down in 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Within a bounded time after the restart, the guards count again (seat map) and holds succeed (no handler restarted). */
    private static void recover(CreateBookingHandler holds, GetSeatMapHandler seatMaps, long eventId, long restartedAt)
            throws InterruptedException {
        long deadline = restartedAt + TimeUnit.SECONDS.toNanos(RECOVERY_BOUND_SECONDS);
        boolean guardsCount = false;
        boolean holdsServed = false;
        int probe = 0;
        while (!(guardsCount && holdsServed)) {
            if (System.nanoTime() > deadline) {
                fail(RECOVERY_BOUND_SECONDS + " s after Redis came back: seat-map guards counting " + guardsCount + ", holds served " + holdsServed);
            }
            if (!guardsCount) {
                APIGatewayV2HTTPResponse map = seatMaps.handleRequest(seatMap("probe-" + System.nanoTime(), eventId), null);
                assertEquals(200, map.getStatusCode(), map.getBody());
                guardsCount = map.getHeaders().containsKey("ratelimit");
            }
            if (!holdsServed) {
                APIGatewayV2HTTPResponse held = holds.handleRequest(
                        hold("probe-" + System.nanoTime(), eventId, List.of(PROBE_FROM + probe % 10)), null);
                assertTrue(held.getStatusCode() == 201 || held.getStatusCode() == 503, held.getStatusCode() + ": " + held.getBody());
                holdsServed = held.getStatusCode() == 201;
                probe++;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Every seat held or sold names a booking that some hold was answered 201 for, and that booking holds it;
     * every 201 still owns all its seats (nothing expired or was cancelled here); no seat was granted twice.
     */
    private void assertOneOwnerPerSeat(Config config, long eventId, List<Answer> answers) {
        Map<Long, List<Integer>> granted = new HashMap<>();
        Set<Integer> grantedSeats = new HashSet<>();
        for (Answer answer : answers) {
            if (answer.route().equals("hold") && answer.status() == 201) {
                JsonNode booking = json(answer.response());
                List<Integer> seats = new ArrayList<>();
                booking.get("seats").forEach(seat -> seats.add(seat.get("id").asInt()));
                granted.put(booking.get("id").asLong(), seats);
                for (int seat : seats) {
                    assertTrue(grantedSeats.add(seat), "seat " + seat + " was granted to two holds");
                }
            }
        }
        assertFalse(granted.isEmpty(), "some holds succeeded");
        for (int seatId = 1; seatId <= POOL; seatId++) {
            int seat = seatId;
            Map<String, AttributeValue> item = stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                    .key(CatalogStore.seatKey(eventId, seat))).item();
            String status = item == null || item.isEmpty() ? "AVAILABLE" : item.get("status").s(); // no item: never held
            if (status.equals("AVAILABLE")) {
                assertFalse(grantedSeats.contains(seat), "seat " + seat + " was granted but is available");
                continue;
            }
            long owner = Long.parseLong(item.get("holdId").n());
            assertTrue(granted.containsKey(owner), "seat " + seat + " is " + status + " by booking " + owner + ", which no 201 answered");
            assertTrue(granted.get(owner).contains(seat), "booking " + owner + " does not hold seat " + seat);
            Map<String, AttributeValue> booking = stack.dynamoDb().getItem(b -> b.tableName(config.bookingsTable()).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("BOOKING#" + owner)))).item();
            assertEquals(status.equals("SOLD") ? "CONFIRMED" : "HOLD", booking.get("status").s(), "booking " + owner + " of seat " + seat);
        }
        granted.forEach((bookingId, seats) -> seats.stream().filter(seat -> seat <= POOL).forEach(seat -> {
            Map<String, AttributeValue> item = stack.dynamoDb().getItem(b -> b.tableName(config.seatsTable()).consistentRead(true)
                    .key(CatalogStore.seatKey(eventId, seat))).item();
            assertEquals(bookingId, Long.parseLong(item.get("holdId").n()), "seat " + seat + " still belongs to the booking granted it");
        }));
    }
}
