package dev.onsale.localstack;

import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every local event source mapping shares: one daemon thread that polls its source into one
 * function until closed. It can be paused (no new poll starts) and waited on until idle, so a test can
 * look at a queue or a stream undisturbed; a poll that throws is logged and retried after a second.
 * Subclasses say what one poll is ({@link #pollOnce()}).
 */
abstract class EventSourcePoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventSourcePoller.class);
    private static final long BACKOFF_AFTER_ERROR_MILLIS = 1_000;

    private final String threadName;
    private final ReentrantLock cycle = new ReentrantLock();
    private final Object pauseSignal = new Object();
    private volatile boolean paused;
    private volatile boolean running = true;
    private Thread thread;

    EventSourcePoller(String threadName) {
        this.threadName = threadName;
    }

    /** What the poller reads and which function it feeds, for logs and the start-up listing. */
    abstract String description();

    /** The kind of source, as the start-up listing names it ({@code SQS}, {@code DynamoDB}). */
    abstract String sourceType();

    /**
     * One poll, run with no pause in effect. Returns whether it found work; when it did not, the poller
     * waits {@link #idleWaitMillis()} before the next one (a long poll waits inside it instead).
     */
    abstract boolean pollOnce();

    /** How long to wait after a poll that found nothing; 0 polls again at once. */
    long idleWaitMillis() {
        return 0;
    }

    /** How long {@link #close()} waits for the current poll (and invocation) to end. */
    abstract long stopTimeoutMillis();

    /** Runs on the caller's thread before polling starts, e.g. to fix a starting position; may throw. */
    void prepare() {}

    synchronized void start(boolean startPaused) {
        prepare();
        paused = startPaused;
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::pollUntilClosed);
    }

    /** Lets no new poll start until {@link #resume()}; see {@link #awaitIdle()}. */
    void requestPause() {
        paused = true;
    }

    /** Returns once no poll or invocation is in flight. */
    void awaitIdle() {
        cycle.lock();
        cycle.unlock();
    }

    void resume() {
        paused = false;
        signal();
    }

    boolean isPaused() {
        return paused;
    }

    boolean isRunning() {
        return running;
    }

    /** Asks the poller to stop after its current poll, without waiting: see {@link #close()}. */
    void signalStop() {
        running = false;
        resume();
    }

    @Override
    public void close() {
        signalStop();
        Thread poller;
        synchronized (this) {
            poller = thread;
        }
        if (poller != null) {
            try {
                poller.join(stopTimeoutMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pollUntilClosed() {
        while (running) {
            awaitResumed();
            boolean busy = true;
            cycle.lock();
            try {
                if (running && !paused) {
                    busy = pollOnce();
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("{}: polling failed; retrying in {} ms", description(), BACKOFF_AFTER_ERROR_MILLIS, e);
                    sleep(BACKOFF_AFTER_ERROR_MILLIS);
                }
            } finally {
                cycle.unlock();
            }
            if (!busy) {
                waitOnSignal(idleWaitMillis());
            }
        }
    }

    private void awaitResumed() {
        synchronized (pauseSignal) {
            while (paused && running) {
                waitOnSignal(500);
            }
        }
    }

    /** Waits up to {@code millis}, or until resumed or stopped (outside the cycle, so a pause never waits for it). */
    private void waitOnSignal(long millis) {
        if (millis <= 0) {
            return;
        }
        synchronized (pauseSignal) {
            try {
                pauseSignal.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void signal() {
        synchronized (pauseSignal) {
            pauseSignal.notifyAll();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
