package dev.onsale.localstack;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The environment contract between the local stack and the functions it runs in its own JVM.
 *
 * <p>An in-process function cannot have its own {@code System.getenv()}. So while the local stack
 * constructs a function's handler (its one warm instance), it sets the JVM system property
 * {@code lambda.env.<NAME>} to {@code <value>} for every variable of that function's environment, calls
 * the handler's no-arg constructor, then removes those properties again (restoring any earlier value).
 * Constructions are serialized by one global lock, so two functions never see each other's variables.
 *
 * <p>A function reads its configuration in its constructor, looking at
 * {@code System.getProperty("lambda.env." + name)} before {@code System.getenv(name)}; in AWS the
 * property is never set and the real environment variable is used.
 */
public final class LambdaEnvironment {

    /** Prefix of the system properties that carry a function's environment during its construction. */
    public static final String PROPERTY_PREFIX = "lambda.env.";

    private static final ReentrantLock CONSTRUCTION_LOCK = new ReentrantLock();

    private LambdaEnvironment() {}

    /** Runs {@code construction} with {@code environment} published as {@code lambda.env.*} system properties. */
    static <T> T constructWith(Map<String, String> environment, Callable<T> construction) throws Exception {
        CONSTRUCTION_LOCK.lock();
        Map<String, String> earlier = new HashMap<>();
        try {
            environment.forEach((name, value) -> {
                String previous = System.setProperty(PROPERTY_PREFIX + name, value);
                if (previous != null) {
                    earlier.put(name, previous);
                }
            });
            return construction.call();
        } finally {
            environment.keySet().forEach(name -> {
                String previous = earlier.get(name);
                if (previous == null) {
                    System.clearProperty(PROPERTY_PREFIX + name);
                } else {
                    System.setProperty(PROPERTY_PREFIX + name, previous);
                }
            });
            CONSTRUCTION_LOCK.unlock();
        }
    }
}
