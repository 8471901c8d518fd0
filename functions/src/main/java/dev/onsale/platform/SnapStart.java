package dev.onsale.platform;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's SnapStart hooks (CRaC). Before the snapshot: one representative call that writes no data
 * primes the function (class loading, JSON, SDK marshalling, the HTTP and Redis clients, the Lua scripts),
 * then the Redis connections close, since a snapshot would hand one socket to every restored copy. After
 * a restore: the shared random source is re-seeded, Redis is opened again and what was registered with
 * {@link #afterEachRestore} runs (the token keys are read again), before the first request.
 *
 * <p>On a JVM without CRaC (tests, the local stack) registering does nothing; the hooks can still be called.
 * The CRaC runtime holds resources weakly, so the function keeps the returned hook in a field.
 */
public final class SnapStart implements Resource {
    private static final System.Logger LOG = System.getLogger(SnapStart.class.getName());

    private static final List<RestoreAction> RESTORE_ACTIONS = new CopyOnWriteArrayList<>();

    private final String function;
    private final Supplier<String> primer;

    private SnapStart(String function, Supplier<String> primer) {
        this.function = function;
        this.primer = primer;
    }

    /** A function with SnapStart hooks (what the runtime calls around the snapshot). */
    public interface Hooked {
        SnapStart snapStart();
    }

    /** Registers the hooks of {@code function}; {@code primer} makes its representative call and says how it went. */
    public static SnapStart register(String function, Supplier<String> primer) {
        SnapStart hook = new SnapStart(function, primer);
        Core.getGlobalContext().register(hook);
        return hook;
    }

    /**
     * Runs {@code action} after every restore, with the function's own hooks (whichever function's hook runs, in a JVM
     * that hosts several): for state shared in the JVM that was read at init and may be stale in a snapshot taken long
     * ago, such as keys read from a secret. A failure is logged; that state stays as it was.
     */
    public static void afterEachRestore(String what, Runnable action) {
        RESTORE_ACTIONS.add(new RestoreAction(what, action));
    }

    private record RestoreAction(String what, Runnable action) {
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        long started = System.nanoTime();
        String answer = "failed";
        try {
            answer = primer.get();
        } catch (RuntimeException e) {
            // An unprimed snapshot is slower, not wrong: publishing the version must not fail for it.
            LOG.log(System.Logger.Level.WARNING, "Priming " + function + " before the snapshot failed", e);
        }
        Redis.closeShared();
        LOG.log(System.Logger.Level.INFO, "Primed " + function + " for the snapshot in "
                + (System.nanoTime() - started) / 1_000_000 + " ms (" + answer + "); Redis connections closed");
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        Randomness.shared().reseed();
        try {
            Redis.openShared();
        } catch (RuntimeException e) {
            // The first request opens it then, and its guards apply their fail-open or fail-closed policy.
            LOG.log(System.Logger.Level.WARNING, "Reopening Redis after the restore of " + function + " failed", e);
        }
        for (RestoreAction restore : RESTORE_ACTIONS) {
            try {
                restore.action().run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Refreshing " + restore.what() + " after the restore of " + function + " failed", e);
            }
        }
    }

    /** The {@link Context} of a priming call: no deadline to speak of, logs to stdout. */
    public static Context primingContext(String function) {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return "snapstart-priming";
            }

            @Override
            public String getLogGroupName() {
                return "";
            }

            @Override
            public String getLogStreamName() {
                return "";
            }

            @Override
            public String getFunctionName() {
                return function;
            }

            @Override
            public String getFunctionVersion() {
                return "";
            }

            @Override
            public String getInvokedFunctionArn() {
                return "";
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 60_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 0;
            }

            @Override
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    @Override
                    public void log(String message) {
                        System.out.println(message);
                    }

                    @Override
                    public void log(byte[] message) {
                        System.out.println(new String(message, java.nio.charset.StandardCharsets.UTF_8));
                    }
                };
            }
        };
    }
}
