package dev.onsale.loadtest;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CPU time used by the generator, the stack's JVM and its children (redis-server): divided by the answers,
 * it says where the time goes per request however busy the rest of the machine is.
 */
record CpuTimes(long generatorNanos, long stackNanos, long childrenNanos) {

    static CpuTimes now(Optional<ProcessHandle> stack) {
        long generator = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        long stackNanos = stack.map(CpuTimes::cpu).orElse(-1L);
        long children = stack.map(handle -> handle.descendants().mapToLong(CpuTimes::cpu).filter(n -> n >= 0).sum()).orElse(-1L);
        return new CpuTimes(generator, stackNanos, children);
    }

    private static long cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** "generator 41 µs, stack JVM 160 µs, redis-server 22 µs of CPU per answer", for what is known. */
    static String perAnswer(CpuTimes before, CpuTimes after, long answers) {
        if (answers == 0) {
            return "no answers";
        }
        List<String> parts = new ArrayList<>();
        part(parts, "generator", before.generatorNanos, after.generatorNanos, answers);
        part(parts, "stack JVM (gateway, functions, DynamoDB Local, ElasticMQ)", before.stackNanos, after.stackNanos, answers);
        part(parts, "redis-server", before.childrenNanos, after.childrenNanos, answers);
        return parts.isEmpty() ? "unknown (give --stack-pid for a stack started elsewhere)" : String.join(", ", parts)
                + " of CPU per answer";
    }

    private static void part(List<String> parts, String name, long before, long after, long answers) {
        if (before >= 0 && after >= before) {
            parts.add(String.format("%s %,.0f µs", name, (after - before) / 1e3 / answers));
        }
    }
}
