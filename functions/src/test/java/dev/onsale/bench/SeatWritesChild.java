package dev.onsale.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.onsale.catalog.CatalogStore;
import dev.onsale.catalog.Event;
import dev.onsale.catalog.Section;
import dev.onsale.platform.AwsClients;
import dev.onsale.platform.Config;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One event's creation in the store alone, in a JVM of its own whose class path is a Lambda jar and this
 * class only, against a DynamoDB Local in another process: this JVM's CPU is what the function itself spends
 * (what Lambda's vCPU share must cover), the emulator's is not in it. The environment names the endpoint and
 * tables as the template does ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code EVENTS_TABLE}, {@code SEATS_TABLE}).
 * Prints {@code SEATWRITES wallMillis cpuMillis} for the creation (all of this JVM's threads: GC and JIT too).
 *
 * <pre>java -cp functions.jar:RUNNER dev.onsale.bench.SeatWritesChild SEATS</pre>
 */
public final class SeatWritesChild {
    public static void main(String[] args) {
        int seats = Integer.parseInt(args[0]);
        Config config = Config.fromEnvironment();
        CatalogStore store = new CatalogStore(AwsClients.dynamoDb(config), config.eventsTable(), config.seatsTable());
        List<Section> sections = new ArrayList<>();
        int rows = seats / 500;
        for (int i = 0; i < 10; i++) {
            sections.add(new Section("Block " + (i + 1), rows, 50, new BigDecimal("45.00"), 1 + i * rows * 50));
        }
        Event event = new Event(store.nextEventId(), "Seat writes " + seats, "Benchmark Stadium", Instant.parse("2027-06-01T19:30:00Z"),
                sections, seats, Instant.now(), null, null);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        store.create(event);
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("SEATWRITES " + wallMillis + " " + (os.getProcessCpuTime() - cpuBefore) / 1_000_000);
        System.out.flush();
        System.exit(0); // the SDK's connection reaper would keep the JVM up
    }
}
