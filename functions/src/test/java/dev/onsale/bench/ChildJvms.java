package dev.onsale.bench;

import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks that time a child JVM share: its class path of one class, and the machine's load. */
final class ChildJvms {
    private ChildJvms() {
    }

    /** A directory holding only {@code child}'s class, so a child's class path is the Lambda jar plus one class. */
    static Path runnerDirectory(Class<?> child, String name) throws IOException {
        String file = child.getName().replace('.', '/') + ".class";
        Path target = EmbeddedStack.projectFile("functions/target/" + name);
        Path copy = target.resolve(file);
        Files.createDirectories(copy.getParent());
        try (var in = child.getClassLoader().getResourceAsStream(file)) {
            Files.write(copy, in.readAllBytes());
        }
        return target;
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
