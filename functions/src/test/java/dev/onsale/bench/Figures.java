package dev.onsale.bench;

import dev.onsale.platform.Redis;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a benchmark prints: its figures on standard output, and the functions' own telemetry (the request lines and
 * EMF documents they write to standard output, a million of them in a waiting-room run) in a file beside the build,
 * {@code functions/target/bench-NAME-telemetry.log}, for whoever wants to read it.
 */
final class Figures {
    /** The benchmark's figures: the process's standard output as it was before {@link #start}. */
    static final PrintStream OUT = System.out;

    private Figures() {
    }

    /** Sends everything else written to standard output from now on to the benchmark's telemetry file. */
    static Path start(String benchmark) {
        Path file = Path.of("functions", "target", "bench-" + benchmark + "-telemetry.log");
        try {
            Files.createDirectories(file.getParent());
            System.setOut(new PrintStream(new FileOutputStream(file.toFile()), true, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OUT.println("(the functions' telemetry goes to " + file + ")");
        return file;
    }

    /**
     * Closes the functions' shared Redis connections before the stack stops its redis-server: otherwise their
     * watchdogs see the server go and log reconnect attempts on the way out.
     */
    static void closeRedis() {
        Redis.closeShared();
    }
}
