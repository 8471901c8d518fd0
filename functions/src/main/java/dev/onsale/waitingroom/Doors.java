package dev.onsale.waitingroom;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * A function instance's reading of each room's door: what a status poll far from the front is answered from, so that
 * the poll costs Redis nothing. A reading older than {@code doorRead} is renewed by one {@code tick} (which moves the
 * door too), once per room however many polls arrive meanwhile; so Redis sees about one call per instance and room
 * per {@code doorRead}, whatever the number of fans. A pre-queue reading is renewed at once when its opening has come.
 */
final class Doors {
    /** Rooms read at once by one instance beyond which old readings are dropped (an instance serves a few rooms). */
    private static final int MAX_ROOMS = 10_000;

    private record Reading(WaitingRoomStore.Room room, long readAtNanos) {
    }

    private final Duration doorRead;
    private final Clock clock;
    private final LongFunction<WaitingRoomStore.Room> tick;
    private final ConcurrentHashMap<Long, Reading> readings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

    Doors(Duration doorRead, Clock clock, LongFunction<WaitingRoomStore.Room> tick) {
        this.doorRead = doorRead;
        this.clock = clock;
        this.tick = tick;
    }

    /** The room as last read, or read now (one call) when that reading is too old. */
    WaitingRoomStore.Room current(long eventId) {
        Reading reading = readings.get(eventId);
        if (fresh(reading)) {
            return reading.room();
        }
        // a virtual thread parks on a ReentrantLock without pinning its carrier
        ReentrantLock lock = locks.computeIfAbsent(eventId, id -> new ReentrantLock());
        lock.lock();
        try {
            reading = readings.get(eventId);
            if (fresh(reading)) {
                return reading.room();
            }
            WaitingRoomStore.Room room = tick.apply(eventId);
            offer(eventId, room);
            return room;
        } finally {
            lock.unlock();
        }
    }

    /** A reading some other call brought back anyway (a join, a claim): the next polls are answered from it. */
    void offer(long eventId, WaitingRoomStore.Room room) {
        if (readings.size() >= MAX_ROOMS && !readings.containsKey(eventId)) {
            readings.clear();
            locks.clear();
        }
        readings.put(eventId, new Reading(room, System.nanoTime()));
    }

    /** Drops the reading of a room whose switches just changed here. */
    void forget(long eventId) {
        readings.remove(eventId);
    }

    private boolean fresh(Reading reading) {
        if (reading == null) {
            return false;
        }
        long age = System.nanoTime() - reading.readAtNanos();
        // negative after a SnapStart restore, whose monotonic clock need not continue the snapshot's
        if (age < 0 || age >= doorRead.toNanos()) {
            return false;
        }
        WaitingRoomStore.Room room = reading.room();
        boolean opening = room.state() == WaitingRoomStore.RoomState.PRE_QUEUE || room.state() == WaitingRoomStore.RoomState.NOT_OPEN;
        return !opening || clock.instant().isBefore(room.state() == WaitingRoomStore.RoomState.NOT_OPEN
                ? room.preQueueOpensAt() : room.opensAt());
    }
}
