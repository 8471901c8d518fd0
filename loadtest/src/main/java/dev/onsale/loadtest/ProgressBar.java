package dev.onsale.loadtest;

import java.util.concurrent.atomic.AtomicInteger;

/** One updating line on stderr: phase, a bar over the whole run, the last second's answers/s, in flight, 429s. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final Thread thread;
    private volatile boolean running = true;

    private ProgressBar(String mode, long start, OnSaleMix.Window window, RouteStats stats, AtomicInteger inFlight) {
        this.thread = Thread.ofPlatform().daemon().name("progress").unstarted(() -> {
            long lastAnswered = 0;
            long lastNanos = System.nanoTime();
            double total = window.endNanos() - start;
            while (running) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    break;
                }
                long now = System.nanoTime();
                long answered = stats.answered.sum();
                double rate = (answered - lastAnswered) * 1e9 / (now - lastNanos);
                lastAnswered = answered;
                lastNanos = now;
                double done = Math.min(1, (now - start) / total);
                int filled = (int) (done * WIDTH);
                String phase = now < window.startNanos() ? "warm-up" : now < window.endNanos() ? "measure" : "drain";
                System.err.printf("\r%s %-7s [%s%s] %3.0f%% %,8.0f answers/s  in flight %,6d  429s %,9d  failed %,6d ",
                        mode, phase, "#".repeat(filled), ".".repeat(WIDTH - filled), done * 100, rate, inFlight.get(),
                        stats.tooManyRequests.sum(), stats.failures.sum());
            }
            System.err.println();
        });
    }

    static ProgressBar start(String mode, long start, OnSaleMix.Window window, RouteStats stats, AtomicInteger inFlight) {
        ProgressBar bar = new ProgressBar(mode, start, window, stats, inFlight);
        bar.thread.start();
        return bar;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
