package dev.onsale.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reads files shipped in the Lambda jar. */
final class Resources {
    private Resources() {
    }

    /** The bytes of the class-path resource {@code name} (absolute, without a leading slash); empty when absent. */
    static Optional<byte[]> read(String name) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] require(String name) {
        return read(name).orElseThrow(() -> new IllegalStateException("Missing resource " + name + " in the jar"));
    }
}
