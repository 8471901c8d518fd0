package dev.onsale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {
    @Test
    void buildsOnceHoweverManyAskAtOnce() {
        AtomicInteger builds = new AtomicInteger();
        Lazy<Object> lazy = Lazy.of("test", () -> {
            builds.incrementAndGet();
            return new Object();
        });
        List<CompletableFuture<Object>> asks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            asks.add(CompletableFuture.supplyAsync(lazy));
        }
        Object first = asks.getFirst().join();
        asks.forEach(ask -> assertSame(first, ask.join()));
        assertEquals(1, builds.get());
    }

    @Test
    void aBackgroundBuildIsWhatTheFirstUseGets() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch built = new CountDownLatch(1);
        Lazy<String> lazy = Lazy.of("test", () -> {
            builds.incrementAndGet();
            built.countDown();
            return "client";
        });
        lazy.buildInBackground();
        assertTrue(built.await(5, TimeUnit.SECONDS), "built without anybody asking");
        assertEquals("client", lazy.get());
        lazy.buildInBackground(); // built already: nothing more
        Thread.sleep(50);
        assertEquals(1, builds.get());
    }

    @Test
    void theFirstUseWaitsForABuildUnderWay() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        Lazy<String> lazy = Lazy.of("test", () -> {
            builds.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "client";
        });
        lazy.buildInBackground();
        started.await(5, TimeUnit.SECONDS);
        CompletableFuture<String> use = CompletableFuture.supplyAsync(lazy);
        Thread.sleep(100);
        assertFalse(use.isDone(), "answered before the build finished");
        release.countDown();
        assertEquals("client", use.get(5, TimeUnit.SECONDS));
        assertEquals(1, builds.get(), "the use waited for the background build instead of starting its own");
    }

    @Test
    void aFailedBackgroundBuildIsTriedAgainByTheFirstUse() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Lazy<String> lazy = Lazy.of("test", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("endpoint unreachable");
            }
            return "client";
        });
        lazy.buildInBackground();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (attempts.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals("client", lazy.get()); // waits for the failing attempt, then builds again
        assertEquals(2, attempts.get());
    }

    @Test
    void aBuildThatKeepsFailingFailsTheUseThatNeedsIt() {
        Lazy<String> lazy = Lazy.of("test", () -> {
            throw new IllegalStateException("no region configured");
        });
        lazy.buildInBackground();
        IllegalStateException failure = assertThrows(IllegalStateException.class, lazy::get);
        assertEquals("no region configured", failure.getMessage());
    }
}
