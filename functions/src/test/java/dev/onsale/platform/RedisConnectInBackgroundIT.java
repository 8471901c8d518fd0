package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.testing.EmbeddedStack;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A function's cold start opens its Redis connection ahead of the first command, and that command uses it. */
@ExtendWith(EmbeddedStack.class)
class RedisConnectInBackgroundIT {
    private final Config.RedisSettings settings = EmbeddedStack.config("JoinWaitingRoomFunction").redis();

    @Test
    void theConnectionOpenedInTheBackgroundIsTheOneTheFirstCommandUses() throws Exception {
        Set<Long> before = clientIds();
        Redis redis = Redis.dedicated(settings);
        try {
            redis.connectInBackground();
            // every connection opened since, until ours has surely been seen (another one may come and go meanwhile)
            Set<Long> opened = new HashSet<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            long seenUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, seenUntil)) {
                Set<Long> now = clientIds();
                now.removeAll(before);
                if (opened.isEmpty() && !now.isEmpty()) {
                    seenUntil = System.nanoTime() + 300_000_000L;
                }
                opened.addAll(now);
                Thread.sleep(10);
            }
            assertFalse(opened.isEmpty(), "no connection was opened without a command within 10 s");
            long firstCommandsClient = redis.sync().clientId();
            assertTrue(opened.contains(firstCommandsClient),
                    "the first command went over connection " + firstCommandsClient + ", not one opened ahead of it: " + opened);
        } finally {
            redis.close();
        }
    }

    @Test
    void closingRightAfterStartingABackgroundConnectLeavesNoConnectionOpen() throws Exception {
        // SnapStart's checkpoint may close the shared connection while init's background connect is still starting
        for (int attempt = 0; attempt < 5; attempt++) {
            Set<Long> before = clientIds();
            Redis redis = Redis.dedicated(settings);
            redis.connectInBackground();
            redis.close();
            Thread.sleep(200); // a connect that outlived the close would be listed by now
            Set<Long> left = clientIds();
            left.removeAll(before);
            assertTrue(left.isEmpty(), "connections left open after close: " + left);
        }
    }

    private Set<Long> clientIds() {
        Redis observer = Redis.dedicated(settings);
        try {
            long self = observer.sync().clientId();
            return observer.sync().clientList().lines()
                    .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id="))))
                    .map(Long::parseLong)
                    .filter(id -> id != self)
                    .collect(Collectors.toCollection(HashSet::new));
        } finally {
            observer.close();
        }
    }
}
