package dev.onsale.waitingroom;

import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import dev.onsale.platform.SnapStart;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The token keys a function signs and verifies with. Read from their secret at init (in the background, the first
 * token waits for it), again after every SnapStart restore (a snapshot may be older than a rotation), and again in
 * the background once they are older than {@code WAITING_ROOM_KEYS_REFRESH_SECONDS}, so that a rotation reaches warm
 * functions. A read that fails keeps the keys there are.
 *
 * <p>After a rotation, some functions sign with the new key before others have read it: a token naming a kid above
 * the current one makes its verifier read the secret at once (at most once per {@link #RETRY_INTERVAL}).
 */
public final class TokenKeyRing {
    /** The least time between two reads that a request waits for: for an unknown newer kid, or while none succeeded. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(TokenKeyRing.class.getName());
    /** One ring per secret in the JVM, like the SDK clients: a handler builds several services over it. */
    private static final Map<String, TokenKeyRing> SHARED = new ConcurrentHashMap<>();

    private final Supplier<TokenKeys> source;
    private final Clock clock;
    private final Duration refreshAge;
    private final ReentrantLock reading = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Read last;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile Instant lastAskedForKid = Instant.EPOCH;
    private volatile RuntimeException lastFailure;

    private record Read(TokenKeys keys, Instant at) {
    }

    TokenKeyRing(Supplier<TokenKeys> source, Clock clock, Duration refreshAge) {
        this.source = source;
        this.clock = clock;
        this.refreshAge = refreshAge;
    }

    /**
     * The ring of the secret {@code WAITING_ROOM_SECRET_ARN} names, shared in the JVM, its first read under way.
     *
     * @throws IllegalStateException when the function has no {@code WAITING_ROOM_SECRET_ARN}: it is not one of those
     *                               that sign or verify tokens, and has no grant to read the secret
     */
    public static TokenKeyRing shared(Config config) {
        String arn = config.waitingRoom().secretArn().orElseThrow(() -> new IllegalStateException(
                "WAITING_ROOM_SECRET_ARN is not set: this function may not sign or verify waiting-room tokens"));
        return SHARED.computeIfAbsent(arn + "|" + config.secretsManagerEndpoint().map(Object::toString).orElse("aws"), key -> {
            TokenKeySecret secret = new TokenKeySecret(AwsClients.secretsManager(config), arn);
            TokenKeyRing ring = new TokenKeyRing(secret::current, Clock.systemUTC(), config.waitingRoom().keysRefresh());
            SnapStart.afterEachRestore("the waiting room's token keys", ring::reload);
            ring.refreshInBackground();
            return ring;
        });
    }

    /**
     * The function's ring: {@link #shared} when it has {@code WAITING_ROOM_SECRET_ARN}; otherwise one that throws on use,
     * for a function that signs and verifies no tokens (and has no grant to read their secret).
     */
    public static TokenKeyRing of(Config config) {
        if (config.waitingRoom().secretArn().isPresent()) {
            return shared(config);
        }
        return new TokenKeyRing(() -> {
            throw new IllegalStateException("WAITING_ROOM_SECRET_ARN is not set: this function may not sign or verify"
                    + " waiting-room tokens (template.yaml gives the secret's ARN, and the grant to read it, to those that do)");
        }, Clock.systemUTC(), Duration.ofDays(365_000));
    }

    /** Keys that never change (tests, benchmarks). */
    public static TokenKeyRing fixed(TokenKeys keys) {
        TokenKeyRing ring = new TokenKeyRing(() -> keys, Clock.systemUTC(), Duration.ofDays(365_000));
        ring.last = new Read(keys, Instant.now());
        return ring;
    }

    /**
     * The keys to use now: waits for the first read when none has succeeded yet (and throws what it failed with);
     * starts reading again in the background when they are older than the refresh age.
     */
    public TokenKeys keys() {
        Read read = last;
        if (read == null) {
            return readUnless(known -> known != null).keys();
        }
        if (!clock.instant().isBefore(read.at().plus(refreshAge))) {
            refreshInBackground();
        }
        return read.keys();
    }

    /**
     * The keys, read again now when {@code kid} is newer than their current one (a function that saw a rotation
     * first signed it); at most once per {@link #RETRY_INTERVAL}, and a failure keeps the keys there are.
     */
    public TokenKeys keysKnowing(long kid) {
        TokenKeys keys = keys();
        Instant now = clock.instant();
        if (kid <= keys.current().id() || now.isBefore(lastAskedForKid.plus(RETRY_INTERVAL))) {
            return keys;
        }
        lastAskedForKid = now;
        try {
            return readUnless(known -> known != null && known.keys().current().id() >= kid).keys();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Reading the token keys for kid " + kid + " failed; keeping kid "
                    + keys.current().id(), e);
            return keys;
        }
    }

    /** Reads the keys again now (after a restore); a failure is logged and keeps the keys there are. */
    public void reload() {
        try {
            readUnless(known -> false);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Reading the token keys failed; keeping " + describe(last), e);
        }
    }

    private void refreshInBackground() {
        boolean justFailed = lastFailure != null && clock.instant().isBefore(lastAttempt.plus(RETRY_INTERVAL));
        if (justFailed || !refreshing.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("token-keys-refresh").start(() -> {
            try {
                reload();
            } finally {
                refreshing.set(false);
            }
        });
    }

    /** One read at a time; a caller that waited while another read takes what that one read, if {@code enough}. */
    private Read readUnless(java.util.function.Predicate<Read> enough) {
        reading.lock();
        try {
            Read known = last;
            if (enough.test(known)) {
                return known;
            }
            Instant started = clock.instant();
            if (known == null && lastFailure != null && started.isBefore(lastAttempt.plus(RETRY_INTERVAL))) {
                throw lastFailure; // no keys and a read just failed: the request fails now rather than waiting for another
            }
            lastAttempt = started;
            TokenKeys keys;
            try {
                keys = source.get();
            } catch (RuntimeException e) {
                lastFailure = e;
                throw e;
            }
            lastFailure = null;
            Read read = new Read(keys, started);
            if (known == null || !known.keys().equals(keys)) {
                LOG.log(System.Logger.Level.INFO, "Token keys read: " + describe(read));
            }
            last = read;
            return read;
        } finally {
            reading.unlock();
        }
    }

    private static String describe(Read read) {
        if (read == null) {
            return "no keys";
        }
        return "kid " + read.keys().current().id() + " signs"
                + read.keys().previous().map(key -> ", kid " + key.id() + " still verifies").orElse("");
    }
}
