package dev.onsale.platform;

import java.util.Optional;

/**
 * The function's environment variables.
 *
 * <p>On AWS these are {@link System#getenv()}. A local runtime that hosts several functions in one JVM
 * cannot give each its own process environment, so it sets JVM system properties
 * {@code lambda.env.NAME} while it constructs a function; those win over the process environment.
 */
public final class Environment {
    static final String LOCAL_PREFIX = "lambda.env.";

    private Environment() {
    }

    public static Optional<String> get(String name) {
        String local = System.getProperty(LOCAL_PREFIX + name);
        if (local != null) {
            return Optional.of(local);
        }
        return Optional.ofNullable(System.getenv(name));
    }
}
