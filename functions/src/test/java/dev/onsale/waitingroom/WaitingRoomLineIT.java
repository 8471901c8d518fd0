package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.RedisWireProxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The line of waiting room v2 on the real redis-server: the pre-queue's lottery (each place once, all ahead of later
 * arrivals, an order other than arrival, uniform over many rooms, reproducible from the recorded seed), the admission
 * rate under a crowd, estimates that abandoned places do not inflate, and polls far from the door that make no Redis
 * call (counted on the wire).
 */
@ExtendWith(EmbeddedStack.class)
class WaitingRoomLineIT {
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final WaitingRoomService rooms = Rooms.service(redis, Duration.ofSeconds(30));

    @AfterEach
    void close() {
        redis.close();
    }

    private static WaitingRoomService.StatusOutcome.Known poll(WaitingRoomService service, long eventId, String queueToken) {
        return assertInstanceOf(WaitingRoomService.StatusOutcome.Known.class, service.status(eventId, queueToken, Optional.empty()));
    }

    /** A room of {@code max} sessions whose pre-queue is open now and whose sale opens in {@code opensIn}. */
    private Instant preQueued(WaitingRoomService service, long eventId, int max, Duration opensIn) {
        Instant opens = Instant.now().plus(opensIn);
        service.enable(eventId, new WaitingRoomService.Switches(OptionalInt.of(max), OptionalInt.of(300), OptionalInt.of(0),
                Optional.of(Instant.now().minusSeconds(1))), Optional.of(opens));
        return opens;
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        long millis = Duration.between(Instant.now(), at).toMillis();
        if (millis > 0) {
            Thread.sleep(millis + 50);
        }
    }

    /** The line number a status answers for a fan: from the new token of a drawn place, or from the old token and the position. */
    private static long lineOf(WaitingRoomService.StatusOutcome.Known known, String token, AdmissionTokens tokens, long eventId) {
        String current = known.queueToken().orElse(token);
        var claims = assertInstanceOf(AdmissionTokens.Verification.Valid.class,
                tokens.verify(current, AdmissionTokens.Kind.QUEUE, eventId, Optional.empty())).claims();
        return claims.line();
    }

    @Test
    void thePreQueueIsDrawnOnceAheadOfLaterArrivalsInAnOrderAnyoneCanRecomputeFromTheSeed() throws Exception {
        long eventId = Rooms.newEventId();
        Instant opens = preQueued(rooms, eventId, 1, Duration.ofMillis(1_500));
        List<String> early = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            var joined = rooms.join(eventId, "early-" + i);
            var pre = assertInstanceOf(WaitingRoomService.Standing.PreQueue.class, joined.standing());
            assertEquals(opens.getEpochSecond(), pre.opensAt().getEpochSecond());
            early.add(joined.queueToken());
        }
        assertEquals(Optional.empty(), rooms.stats(eventId).lotterySeed(), "the seed stays secret while the pre-queue fills");
        assertInstanceOf(WaitingRoomService.Standing.PreQueue.class, poll(rooms, eventId, early.get(3)).standing(),
                "nobody is admitted before the opening");
        sleepUntil(opens);

        List<String> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            late.add(rooms.join(eventId, "late-" + i).queueToken());
        }
        AdmissionTokens tokens = Rooms.tokens();
        Map<Long, Long> ticketOfLine = new HashMap<>();
        for (String token : early) {
            var known = poll(rooms, eventId, token);
            assertTrue(known.queueToken().isPresent(), "a drawn place gets a token that carries its line number");
            long ticket = ((AdmissionTokens.Verification.Valid) tokens.verify(token, AdmissionTokens.Kind.QUEUE, eventId,
                    Optional.empty())).claims().ticket();
            long line = lineOf(known, token, tokens, eventId);
            assertEquals(null, ticketOfLine.put(line, ticket), "line " + line + " given twice");
        }
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 30).boxed().map(Long::valueOf).toList()), new TreeSet<>(ticketOfLine.keySet()),
                "the pre-queue holds line numbers 1..30, each exactly once");
        List<Long> drawn = IntStream.rangeClosed(1, 30).mapToObj(line -> ticketOfLine.get((long) line)).toList();
        assertNotEquals(IntStream.rangeClosed(1, 30).boxed().map(Long::valueOf).toList(), drawn, "an order other than arrival");
        for (int i = 0; i < late.size(); i++) {
            var queued = assertInstanceOf(WaitingRoomService.Standing.Queued.class, poll(rooms, eventId, late.get(i)).standing());
            // line 31 + i, one place called (the one session)
            assertEquals(30 + i, queued.position(), "later arrivals follow the pre-queue, in arrival order");
        }

        // the audit: with the seed, the order is the tickets sorted by the first 52 bits of SHA-1("seed:ticket")
        String seed = rooms.stats(eventId).lotterySeed().orElseThrow(() -> new AssertionError("the seed is shown after the opening"));
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        List<Long> recomputed = IntStream.rangeClosed(1, 30).mapToObj(Long::valueOf)
                .sorted(Comparator.comparingLong(ticket -> Long.parseLong(HexFormat.of().formatHex(
                        sha1.digest((seed + ":" + ticket).getBytes(StandardCharsets.UTF_8))).substring(0, 13), 16)))
                .toList();
        assertEquals(recomputed, drawn);
        assertEquals(30, rooms.stats(eventId).preQueueSize());
    }

    @Test
    void theLotteryIsUniformOverManyRooms() throws Exception {
        // 720 rooms of 4 pre-queued fans: each of the 24 orders should come about 30 times
        int rooms = 720;
        int fans = 4;
        List<Long> events = new ArrayList<>();
        Instant opens = Instant.now().plusSeconds(3);
        for (int r = 0; r < rooms; r++) {
            long eventId = Rooms.newEventId();
            events.add(eventId);
            this.rooms.enable(eventId, new WaitingRoomService.Switches(OptionalInt.of(1), OptionalInt.of(300), OptionalInt.of(0),
                    Optional.of(Instant.now().minusSeconds(1))), Optional.of(opens));
        }
        Map<Long, List<String>> tokensOf = new HashMap<>();
        List<java.util.concurrent.CompletableFuture<WaitingRoomService.Joined>> joins = new ArrayList<>();
        for (long eventId : events) {
            for (int f = 0; f < fans; f++) {
                joins.add(this.rooms.joinAsync(eventId, "fan-" + f).toCompletableFuture());
            }
        }
        for (int i = 0; i < joins.size(); i++) {
            tokensOf.computeIfAbsent(events.get(i / fans), id -> new ArrayList<>()).add(joins.get(i).join().queueToken());
        }
        assertTrue(Instant.now().isBefore(opens), "the joins took longer than the pre-queue stayed open");
        sleepUntil(opens);
        AdmissionTokens tokens = Rooms.tokens();
        Map<String, Integer> orders = new HashMap<>();
        for (long eventId : events) {
            long[] lineOfArrival = new long[fans];
            for (int f = 0; f < fans; f++) {
                String token = tokensOf.get(eventId).get(f);
                var known = poll(this.rooms, eventId, token);
                lineOfArrival[f] = lineOf(known, token, tokens, eventId);
            }
            orders.merge(java.util.Arrays.toString(lineOfArrival), 1, Integer::sum);
        }
        assertEquals(24, orders.size(), "every order of 4 comes up: " + orders);
        double expected = (double) rooms / 24;
        double chiSquare = orders.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        // 23 degrees of freedom: above 49.7 one time in a thousand for a uniform draw
        assertTrue(chiSquare < 49.7, "chi-square " + chiSquare + " over " + orders);
    }

    @Test
    void admitPerMinuteAdmitsExactlyThatManyUnderACrowd() throws Exception {
        long eventId = Rooms.newEventId();
        // 600 a minute: one every 100 ms, however many sessions are free
        rooms.enable(eventId, new WaitingRoomService.Switches(OptionalInt.of(10_000), OptionalInt.of(300), OptionalInt.of(600),
                Optional.empty()), Optional.empty());
        List<String> crowd = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            crowd.add(rooms.join(eventId, "crowd-" + i).queueToken());
        }
        ConcurrentLinkedQueue<Long> admittedAt = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(4).toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                workers.add(pool.submit(() -> {
                    // each worker keeps checking in on its share of the crowd until the time is up
                    boolean[] in = new boolean[crowd.size()];
                    while (System.nanoTime() < end) {
                        for (int i = worker; i < crowd.size() && System.nanoTime() < end; i += 8) {
                            if (!in[i] && poll(rooms, eventId, crowd.get(i)).standing() instanceof WaitingRoomService.Standing.Admitted) {
                                in[i] = true;
                                admittedAt.add(System.nanoTime() - start);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        List<Long> times = admittedAt.stream().sorted().toList();
        // 4 s at 10 a second, the first at once: 41 at most; a check-in may come a moment after a turn was called
        assertTrue(times.size() <= 41, times.size() + " admitted in 4 s at 600 a minute");
        assertTrue(times.size() >= 36, times.size() + " admitted in 4 s at 600 a minute");
        // spread, not in bursts: 13 calls take 1.2 s of the rate; a claim may lag its call by a round of the crowd,
        // which on a busy machine (two cores, other builds) takes a few hundred ms
        for (int i = 0; i + 12 < times.size(); i++) {
            assertTrue(times.get(i + 12) - times.get(i) >= 600_000_000L,
                    "13 admitted within " + (times.get(i + 12) - times.get(i)) / 1_000_000 + " ms: faster than the rate");
        }
    }

    @Test
    void abandonedPlacesDoNotInflateTheEstimate() throws Exception {
        // two rooms alike; in one, the fans ahead left before their turn came
        WaitingRoomService quick = Rooms.service(redis, Duration.ofMillis(1_000));
        long abandoned = Rooms.newEventId();
        long present = Rooms.newEventId();
        Map<Long, List<String>> tokensOf = new HashMap<>();
        for (long eventId : List.of(abandoned, present)) {
            quick.enable(eventId, 2, 300);
            for (int i = 0; i < 30; i++) {
                tokensOf.computeIfAbsent(eventId, id -> new ArrayList<>()).add(quick.join(eventId, "fan-" + i).queueToken());
            }
        }
        // the first two of each are admitted; their sessions end; in one room the next six turns go unclaimed
        for (long eventId : List.of(abandoned, present)) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 2 + 2 * round; i++) {
                    if (eventId == present || i < 2) {
                        poll(quick, eventId, tokensOf.get(eventId).get(i));
                    }
                }
                quick.endSession(eventId, "fan-" + (2 * round));
                quick.endSession(eventId, "fan-" + (2 * round + 1));
                poll(quick, eventId, tokensOf.get(eventId).get(29)); // moves the door
                if (eventId == abandoned) {
                    Thread.sleep(1_100); // the called fans' claim window runs out
                }
            }
        }
        var gone = assertInstanceOf(WaitingRoomService.Standing.Queued.class, poll(quick, abandoned, tokensOf.get(abandoned).get(29)).standing());
        var there = assertInstanceOf(WaitingRoomService.Standing.Queued.class, poll(quick, present, tokensOf.get(present).get(29)).standing());
        assertTrue(quick.stats(abandoned).abandoned() >= 6, quick.stats(abandoned).toString());
        assertEquals(0, quick.stats(present).abandoned());
        assertTrue(gone.estimatedWaitSeconds() * 2 <= there.estimatedWaitSeconds(),
                "the soonest wait counts the fans ahead likely still present: " + gone + " vs " + there);
        // the latest is what the caps guarantee for everyone ahead: 2 sessions of 300 s
        assertEquals(gone.position() * 150, gone.estimatedWaitMaxSeconds(), gone.toString());
        assertTrue(gone.estimatedWaitSeconds() <= gone.estimatedWaitMaxSeconds());
    }

    @Test
    void pollsFarFromTheDoorMakeNoRedisCall() throws Exception {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 10, 300);
        List<String> crowd = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            crowd.add(rooms.join(eventId, "far-" + i).queueToken());
        }
        Config.RedisSettings stack = Rooms.config().redis();
        try (RedisWireProxy wire = new RedisWireProxy(stack.port(), Duration.ZERO)) {
            Redis counted = Redis.dedicated(new Config.RedisSettings("127.0.0.1", wire.port(), false, false, Duration.ofSeconds(2)));
            try {
                // one instance that reads the door at most once a minute (the default is a second): every poll here is
                // answered from that one reading
                WaitingRoomService instance = Rooms.service(counted, Duration.ofSeconds(30), Duration.ofMinutes(1));
                counted.sync().ping(); // connected: the handshake is not counted
                wire.reset();
                for (int round = 0; round < 3; round++) {
                    for (int i = 100; i < 1_000; i++) {
                        var queued = assertInstanceOf(WaitingRoomService.Standing.Queued.class,
                                poll(instance, eventId, crowd.get(i)).standing());
                        assertTrue(queued.position() > 0);
                    }
                }
                assertEquals(Map.of("EVALSHA", 1L), wire.commands(), "2,700 polls, one reading of the door");
                wire.reset();
                var first = poll(instance, eventId, crowd.get(0));
                assertInstanceOf(WaitingRoomService.Standing.Admitted.class, first.standing(), "the first fan's turn came");
                assertEquals(Map.of("EVALSHA", 1L), wire.commands(), "a fan the door reached claims the turn: one call");
            } finally {
                counted.close();
            }
        }
    }
}
