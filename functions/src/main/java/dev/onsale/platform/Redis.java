package dev.onsale.platform;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Lettuce connection to Redis (standalone or cluster) for the whole JVM, opened on first use.
 * Lettuce multiplexes every thread's commands over it. The command interfaces handed out are the
 * cluster-compatible ones, so feature code runs unchanged on a single node and on Redis Cluster.
 */
public final class Redis {
    private static final Map<String, Redis> SHARED = new ConcurrentHashMap<>();
    private static final Duration BACKGROUND_CONNECT_WAIT = Duration.ofSeconds(10);
    private static volatile ClientResources resources;

    private final Config.RedisSettings settings;
    private volatile Connected connected;
    /** The thread of {@link #connectInBackground}, while it may still be connecting: one at a time. */
    private final AtomicReference<Thread> backgroundConnect = new AtomicReference<>();
    /** Whether {@link #closeShared} closed an open connection, which {@link #openShared} then opens again. */
    private volatile boolean reopenAfterRestore;

    private record Connected(StatefulConnection<String, String> connection,
                             RedisClusterCommands<String, String> sync,
                             RedisClusterAsyncCommands<String, String> async,
                             AutoCloseable client) {
    }

    private Redis(Config.RedisSettings settings) {
        this.settings = settings;
    }

    public static Redis shared(Config.RedisSettings settings) {
        return SHARED.computeIfAbsent(settings.host() + ":" + settings.port(), k -> new Redis(settings));
    }

    /** A connection of its own, not shared; for tests and tools that close what they open. */
    public static Redis dedicated(Config.RedisSettings settings) {
        return new Redis(settings);
    }

    public RedisClusterCommands<String, String> sync() {
        return connected().sync();
    }

    public RedisClusterAsyncCommands<String, String> async() {
        return connected().async();
    }

    /** Whether {@code e} is Redis not answering (a timeout, a lost connection, a refused command): an overload that passes. */
    public static boolean isUnavailable(Throwable e) {
        return e instanceof RedisException;
    }

    /** The failure a read of several replies reports when one did not come in time, as Redis's own failures are. */
    public static RuntimeException unavailable(String what, Throwable cause) {
        return new RedisException(what, cause);
    }

    /** How a script's reply is read: an integer, a list (of strings and integers), or one bulk string. */
    public enum Reply {
        INTEGER(ScriptOutputType.INTEGER), LIST(ScriptOutputType.MULTI), VALUE(ScriptOutputType.VALUE);

        final ScriptOutputType type;

        Reply(ScriptOutputType type) {
            this.type = type;
        }
    }

    /**
     * One script call: which script, how to read its reply, its keys and arguments. Guards and stores describe their
     * calls with it, so that the code above the platform names no Redis client's types.
     */
    public record ScriptCall(RedisScript script, Reply reply, String[] keys, String[] args) {
        /** Runs it now, on its own (by SHA, the script itself on NOSCRIPT), and waits for the reply. */
        public <T> T run(Redis redis) {
            return script.run(redis.sync(), reply.type, keys, args);
        }
    }

    /**
     * Sends every call by SHA in ONE write (pipelined: one flush, one round trip; on a cluster each node
     * gets its share at once), then replies as they come. Only a call the server answers NOSCRIPT costs a
     * second trip, to send its script whole.
     */
    public List<CompletableFuture<Object>> runScripts(List<ScriptCall> calls) {
        Connected current = connected();
        List<RedisCommand<String, String, ?>> commands = new ArrayList<>(calls.size());
        List<CompletableFuture<Object>> replies = new ArrayList<>(calls.size());
        for (ScriptCall call : calls) {
            AsyncCommand<String, String, Object> command = call.script().evalshaCommand(call.reply().type, call.keys(), call.args());
            commands.add(command);
            replies.add(command.exceptionallyCompose(failure -> RedisScript.isNoScript(failure)
                    ? current.async().eval(call.script().source(), call.reply().type, call.keys(), call.args()).toCompletableFuture()
                    : CompletableFuture.failedFuture(RedisScript.cause(failure))));
        }
        current.connection().dispatch(commands);
        return replies;
    }

    public boolean cluster() {
        return settings.cluster();
    }

    /**
     * Starts connecting on a daemon thread unless connected: for a function whose every request needs
     * Redis, so that its cold start's Lettuce and Netty set-up overlaps the rest of init. The first
     * command waits for it; a failure here is dropped and that command connects again (or fails fast).
     */
    public void connectInBackground() {
        Thread running = backgroundConnect.get();
        if (connected != null || running != null && running.isAlive()) {
            return;
        }
        Thread connecting = Thread.ofPlatform().daemon().name("redis-connect").unstarted(() -> {
            try {
                connected();
            } catch (RuntimeException e) {
                // the first command reports it, under its route's fail-open or fail-closed policy
            }
        });
        if (backgroundConnect.compareAndSet(running, connecting)) {
            connecting.start();
        }
    }

    private Connected connected() {
        Connected current = connected;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (connected == null) {
                connected = connect();
            }
            return connected;
        }
    }

    private Connected connect() {
        RedisURI uri = RedisURI.builder()
                .withHost(settings.host())
                .withPort(settings.port())
                .withSsl(settings.tls())
                .withTimeout(settings.timeout())
                .build();
        // Commands issued while disconnected fail at once instead of queueing: callers apply their
        // fail-open or fail-closed policy rather than hanging a Lambda invocation.
        TimeoutOptions timeouts = TimeoutOptions.enabled(settings.timeout());
        // Connecting gets the same bound: an unreachable node must not hold an invocation for Lettuce's default 10 s.
        SocketOptions socket = SocketOptions.builder().connectTimeout(settings.timeout()).build();
        if (settings.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(resources(), uri);
            client.setOptions(ClusterClientOptions.builder()
                    .timeoutOptions(timeouts)
                    .socketOptions(socket)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            // Lettuce opens node connections lazily, and with REJECT_COMMANDS it rejects every command routed
            // to a node whose connection is still being opened (lettuce#3747): open them all now.
            connection.getPartitions().forEach(node -> connection.getConnection(node.getUri().getHost(), node.getUri().getPort()));
            return new Connected(connection, connection.sync(), connection.async(), client::shutdown);
        }
        RedisClient client = RedisClient.create(resources(), uri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        StatefulRedisConnection<String, String> connection = client.connect();
        return new Connected(connection, connection.sync(), connection.async(), client::shutdown);
    }

    /**
     * Closes every shared connection; the next use opens a new one. For SnapStart's checkpoint: a socket
     * copied into a snapshot would be one connection shared by every restored copy of the function.
     */
    public static void closeShared() {
        SHARED.values().forEach(redis -> redis.reopenAfterRestore = redis.closeConnection());
    }

    /**
     * Opens again (after a restore) every shared connection {@link #closeShared} closed, so the first request does
     * not wait for it. Only those: a client that never connected (a function that never needs Redis, or one outside
     * the cache's VPC) would only wait out its connect timeout. Every one is tried; the first failure is thrown.
     */
    public static void openShared() {
        RuntimeException failure = null;
        for (Redis redis : SHARED.values()) {
            if (!redis.reopenAfterRestore) {
                continue;
            }
            redis.reopenAfterRestore = false;
            try {
                redis.connected();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Closes the connection. A connect still under way in the background is waited for first: else it
     * could open a connection just after this, one that a SnapStart snapshot would copy.
     */
    public void close() {
        closeConnection();
    }

    /** {@link #close}, saying whether there was a connection to close. */
    private boolean closeConnection() {
        Thread pending = backgroundConnect.getAndSet(null);
        if (pending != null) {
            try {
                pending.join(BACKGROUND_CONNECT_WAIT); // connecting is bounded by the connect timeout; this only guards a hang
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (connected != null) {
                connected.connection().close();
                try {
                    connected.client().close();
                } catch (Exception e) {
                    throw new IllegalStateException("Closing the Redis client failed", e);
                }
                connected = null;
                return true;
            }
            return false;
        }
    }

    private static ClientResources resources() {
        if (resources == null) {
            synchronized (Redis.class) {
                if (resources == null) {
                    // Lettuce's default reconnect backoff grows to 30 s: after an outage of that long the guards
                    // would keep failing for up to 30 s more once Redis is back. Capped at 1 s, jittered so that
                    // many instances don't reconnect in step.
                    resources = DefaultClientResources.builder()
                            .reconnectDelay(Delay.equalJitter(Duration.ofMillis(10), Duration.ofSeconds(1), 10, TimeUnit.MILLISECONDS))
                            .build();
                }
            }
        }
        return resources;
    }
}
