package dev.onsale.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS SDK calls of the JVM it is loaded in, by service, operation and table, into the file named by
 * {@value #FILE_PROPERTY}: the stadium run reads how often the stack's functions query the seats table.
 * The SDK builds one per client as a global interceptor (listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}); the functions' code jar is loaded
 * parent-first, so their clients use the stack's SDK and find it on the stack's classpath too. Without the
 * property it counts nothing.
 */
public final class SdkCallCounter implements ExecutionInterceptor {

    static final String FILE_PROPERTY = "onsale.loadtest.sdkCalls";
    /** The line that says how many SDK clients were built with the counter: none means it did not load. */
    private static final String CLIENTS_LINE = "# clients ";
    private static final long WRITE_EVERY_MS = 100;

    private static final Path FILE = fileFromProperty();
    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final LongAdder CHANGES = new LongAdder();

    static {
        if (FILE != null) {
            // a daemon: it must not keep the stack's JVM alive, and the last 100 ms of counts may go unwritten
            Thread.ofPlatform().daemon().name("sdk-call-counts").start(SdkCallCounter::writeEvery100Ms);
        }
    }

    public SdkCallCounter() {
        CLIENTS.incrementAndGet();
        CHANGES.increment();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (FILE == null) {
            return;
        }
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " "
                + context.request().getValueForField("TableName", String.class).orElse("-");
        CALLS.computeIfAbsent(call, k -> new LongAdder()).increment();
        CHANGES.increment();
    }

    /** The counts written to {@code file}: "service operation table" to calls; empty when no counter wrote it. */
    static Counts read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Counts(0, Map.of());
        }
        int clients = 0;
        Map<String, Long> calls = new TreeMap<>();
        for (String line : lines) {
            if (line.startsWith(CLIENTS_LINE)) {
                clients = Integer.parseInt(line.substring(CLIENTS_LINE.length()).trim());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.indexOf(' ');
                calls.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)));
            }
        }
        return new Counts(clients, calls);
    }

    /** What the file said: the SDK clients built with the counter, and the calls they made. */
    record Counts(int clients, Map<String, Long> calls) {

        /** Calls of {@code operation} (e.g. Query) on tables whose name holds {@code table}, ignoring case. */
        long of(String operation, String table) {
            return calls.entrySet().stream().filter(call -> {
                String[] parts = call.getKey().split(" ");
                return parts.length == 3 && parts[1].equals(operation) && parts[2].toLowerCase(Locale.ROOT).contains(table.toLowerCase(Locale.ROOT));
            }).mapToLong(Map.Entry::getValue).sum();
        }

        /** The calls made since {@code before}, by call, leaving out those with none. */
        Map<String, Long> since(Counts before) {
            return CountDeltas.since(calls, before.calls);
        }
    }

    private static Path fileFromProperty() {
        String file = System.getProperty(FILE_PROPERTY);
        return file == null || file.isBlank() ? null : Path.of(file);
    }

    private static void writeEvery100Ms() {
        long written = -1;
        while (true) {
            long changes = CHANGES.sum();
            if (changes != written) {
                try {
                    write();
                    written = changes;
                } catch (UncheckedIOException | IOException e) {
                    System.err.println("SdkCallCounter: cannot write " + FILE + ": " + e.getMessage());
                    return;
                }
            }
            try {
                Thread.sleep(WRITE_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Through a temporary file and a rename, so a reader never sees half of it. */
    private static void write() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# AWS SDK calls of process " + ProcessHandle.current().pid() + ": calls, service, operation, table");
        lines.add(CLIENTS_LINE + CLIENTS.get());
        new TreeMap<>(CALLS).forEach((call, n) -> lines.add(n.sum() + " " + call));
        Path temporary = FILE.resolveSibling(FILE.getFileName() + ".tmp");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
