package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.platform.Redis;
import dev.onsale.testing.EmbeddedStack;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The line itself, through the service on the real redis-server: fairness, lapsed turns, concurrency, keys. */
@ExtendWith(EmbeddedStack.class)
class WaitingRoomQueueIT {
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final WaitingRoomService rooms = Rooms.service(redis, Duration.ofSeconds(30));
    /** A turn lapses 1 s after it came unclaimed, so a test can watch it happen. */
    private final WaitingRoomService impatient = Rooms.service(redis, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        redis.close();
    }

    private WaitingRoomService.Standing poll(long eventId, WaitingRoomService.Joined joined) {
        return poll(rooms, eventId, joined);
    }

    private static WaitingRoomService.Standing poll(WaitingRoomService service, long eventId, WaitingRoomService.Joined joined) {
        var known = assertInstanceOf(WaitingRoomService.StatusOutcome.Known.class, service.status(eventId, joined.queueToken(), Optional.empty()));
        return known.standing();
    }

    @Test
    void aFanWhoseTurnComesAndGoesUnclaimedLapsesAndTheLineMovesOn() throws InterruptedException {
        long eventId = Rooms.newEventId();
        impatient.enable(eventId, 1, 300);
        var first = impatient.join(eventId, "first");
        var gone = impatient.join(eventId, "gone");
        var patient = impatient.join(eventId, "patient");
        assertInstanceOf(WaitingRoomService.Standing.Admitted.class, poll(impatient, eventId, first), "first in line: in at the first check-in");

        // the session ends: the door calls "gone", who never checks in again; after the 1 s claim window its slot
        // goes to "patient", who checks in meanwhile (and was never asked to before)
        impatient.endSession(eventId, "first");
        var waiting = assertInstanceOf(WaitingRoomService.Standing.Queued.class, poll(impatient, eventId, patient));
        assertEquals(1, waiting.position(), "next after the fan whose turn it is");
        Thread.sleep(1_300);
        assertInstanceOf(WaitingRoomService.Standing.Admitted.class, poll(impatient, eventId, patient), "the line did not stall");
        assertInstanceOf(WaitingRoomService.Standing.Lapsed.class, poll(impatient, eventId, gone));
        assertEquals(1, impatient.stats(eventId).abandoned());
        var back = impatient.join(eventId, "gone");
        var queued = assertInstanceOf(WaitingRoomService.Standing.Queued.class, back.standing());
        assertEquals(1, queued.position(), "a new place at the back, which is now the front");
    }

    @Test
    void aSignedInCallerMayCheckInOnlyOnTheirOwnPlace() {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 1, 300);
        var joined = rooms.join(eventId, "owner");
        var refused = assertInstanceOf(WaitingRoomService.StatusOutcome.BadToken.class,
                rooms.status(eventId, joined.queueToken(), Optional.of("someone-else")));
        assertEquals("the token is for another user", refused.reason());
        assertInstanceOf(WaitingRoomService.StatusOutcome.Known.class, rooms.status(eventId, joined.queueToken(), Optional.of("owner")));
    }

    @Test
    void concurrentJoinsGetDistinctPlacesInArrivalOrder() throws Exception {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 10, 300);
        int fans = 200;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WaitingRoomService.Joined>> joins = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            for (int i = 0; i < fans; i++) {
                String user = "fan-" + i;
                joins.add(pool.submit(() -> {
                    start.await();
                    return rooms.join(eventId, user);
                }));
            }
            start.countDown();
            Set<Long> positions = new HashSet<>();
            for (Future<WaitingRoomService.Joined> join : joins) {
                positions.add(assertInstanceOf(WaitingRoomService.Standing.Queued.class, join.get().standing()).position());
            }
            assertEquals(fans, positions.size(), "every fan a place of their own");
            assertTrue(positions.stream().allMatch(p -> p >= 1 && p <= fans), positions.toString());
        }
        assertEquals(fans, rooms.stats(eventId).queueSize());
    }

    @Test
    void oneFanJoiningManyTimesAtOnceHoldsOnePlace() throws Exception {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 10, 300);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WaitingRoomService.Joined>> joins = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                joins.add(pool.submit(() -> {
                    start.await();
                    return rooms.join(eventId, "eager");
                }));
            }
            start.countDown();
            Set<String> tokens = new HashSet<>();
            for (Future<WaitingRoomService.Joined> join : joins) {
                tokens.add(join.get().queueToken());
            }
            assertEquals(1, tokens.size());
        }
        assertEquals(1, rooms.stats(eventId).queueSize());
    }

    @Test
    void admissionsNeverExceedMaxConcurrentUnderConcurrentCheckIns() throws Exception {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 5, 300);
        List<WaitingRoomService.Joined> fans = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fans.add(rooms.join(eventId, "fan-" + i));
        }
        List<Future<WaitingRoomService.Standing>> polls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (WaitingRoomService.Joined fan : fans) {
                polls.add(pool.submit(() -> poll(eventId, fan)));
            }
            int admitted = 0;
            for (int i = 0; i < polls.size(); i++) {
                if (polls.get(i).get() instanceof WaitingRoomService.Standing.Admitted) {
                    admitted++;
                    assertTrue(i < 5, "fan " + i + " admitted before those ahead");
                }
            }
            assertTrue(admitted <= 5, admitted + " admitted");
        }
        assertEquals(5, rooms.stats(eventId).activeSessions());
    }

    @Test
    void everyKeyOfARoomIsInItsEventsSlot() {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 1, 300);
        poll(eventId, rooms.join(eventId, "one"));
        rooms.join(eventId, "two");
        int slot = SlotHash.getSlot("{event:" + eventId + "}");
        for (String key : WaitingRoomKeys.all(eventId)) {
            assertEquals(slot, SlotHash.getSlot(key), key);
        }
        for (String key : List.of(WaitingRoomKeys.config(eventId), WaitingRoomKeys.status(eventId), WaitingRoomKeys.queue(eventId),
                WaitingRoomKeys.places(eventId), WaitingRoomKeys.active(eventId), WaitingRoomKeys.waits(eventId))) {
            assertEquals(1, redis.sync().exists(key), key + " exists");
        }
        assertEquals("1", redis.sync().hget(WaitingRoomKeys.queue(eventId), "one"), "readable with redis-cli");
    }

    @Test
    void eachPlaceCostsEightBytesInThePlacesString() {
        long eventId = Rooms.newEventId();
        rooms.enable(eventId, 1, 300);
        for (int i = 0; i < 100; i++) {
            rooms.join(eventId, "fan-" + i);
        }
        assertEquals(800, redis.sync().strlen(WaitingRoomKeys.places(eventId)));
    }

    @Test
    void anEventWithoutARoomIsOpen() {
        long eventId = Rooms.newEventId();
        var joined = rooms.join(eventId, "anyone");
        assertInstanceOf(WaitingRoomService.Standing.Open.class, joined.standing());
        assertInstanceOf(WaitingRoomService.Standing.Open.class, poll(eventId, joined));
        assertEquals(0, redis.sync().exists(WaitingRoomKeys.all(eventId).toArray(String[]::new)), "nothing written");
    }
}
