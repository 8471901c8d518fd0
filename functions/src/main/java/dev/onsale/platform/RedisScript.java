package dev.onsale.platform;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script kept as a {@code .lua} resource, run by its SHA. A server that does not know it yet
 * (first call, restart, failover) answers NOSCRIPT, and the script is then sent whole once.
 */
public final class RedisScript {
    private final String source;
    private final String sha;

    private RedisScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** Loads {@code name} from the class path next to {@code owner}. */
    public static RedisScript load(Class<?> owner, String name) {
        return new RedisScript(text(owner, name));
    }

    /** A script put together in code, e.g. a resource with its settings prepended (one SHA per settings). */
    public static RedisScript of(String source) {
        return new RedisScript(source);
    }

    /** The text of the resource {@code name} next to {@code owner}. */
    public static String text(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing Lua script " + name + " beside " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T> T run(RedisClusterCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, args);
        }
    }

    /**
     * The same without waiting: the call goes out at once (so several calls issued back to back share
     * one round trip), and only a NOSCRIPT answer costs a second one, to send the script whole.
     */
    public <T> CompletableFuture<T> runAsync(RedisClusterAsyncCommands<String, String> redis, ScriptOutputType type,
                                             String[] keys, String... args) {
        return redis.<T>evalsha(sha, type, keys, args).toCompletableFuture()
                .exceptionallyCompose(failure -> cause(failure) instanceof RedisNoScriptException
                        ? redis.<T>eval(source, type, keys, args).toCompletableFuture()
                        : CompletableFuture.failedFuture(cause(failure)));
    }

    /**
     * This script's EVALSHA as a command not yet sent, so that several can go out in one write
     * ({@link Redis#runScripts}). The caller handles NOSCRIPT (see {@link #runAsync}).
     */
    @SuppressWarnings("unchecked")
    <T> AsyncCommand<String, String, T> evalshaCommand(ScriptOutputType type, String[] keys, String[] args) {
        CommandArgs<String, String> arguments = new CommandArgs<>(StringCodec.UTF8)
                .add(sha).add(keys.length).addKeys(keys).addValues(args);
        CommandOutput<String, String, ?> output = switch (type) {
            case MULTI, OBJECT -> new NestedMultiOutput<>(StringCodec.UTF8);
            case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
            case STATUS -> new StatusOutput<>(StringCodec.UTF8);
            case VALUE -> new ValueOutput<>(StringCodec.UTF8);
            case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
        };
        return new AsyncCommand<>(new Command<>(CommandType.EVALSHA, (CommandOutput<String, String, T>) output, arguments));
    }

    static boolean isNoScript(Throwable failure) {
        return cause(failure) instanceof RedisNoScriptException;
    }

    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    String source() {
        return source;
    }

    public String sha() {
        return sha;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
