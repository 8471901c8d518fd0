package dev.onsale.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Metrics as CloudWatch Embedded Metric Format documents on stdout: CloudWatch turns each document into
 * metrics without an API call in the request path.
 *
 * <p>An invocation collects its metrics in ONE document ({@link #begin}, then {@link Document#end} at the
 * edge): whatever the handler, a guard or a service counts on the invocation's thread lands in it, so a
 * request costs one metrics line, not one per metric. A count made outside an invocation (a benchmark
 * driving a guard directly) is a document of its own. The process also keeps the totals of counts, for
 * tests and for the local stack, where there is no CloudWatch.
 */
public final class Metrics {
    public static final String DEFAULT_NAMESPACE = "onsale";

    /** CloudWatch units used here. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), SECONDS("Seconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }
    }

    private static final Map<String, LongAdder> TOTALS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Document> CURRENT = new ThreadLocal<>();
    private static final String NO_ROUTE = "none";

    private Metrics() {
    }

    /**
     * Opens the invocation's document on this thread: metrics counted without dimensions of their own get
     * {@code dimension = value} (e.g. {@code Route}).
     */
    public static Document begin(String namespace, String dimension, String value) {
        Document document = new Document(namespace, dimension, value);
        CURRENT.set(document);
        return document;
    }

    /** Counts one {@code metric} in the invocation's own dimension (its route). */
    public static void count(String metric) {
        Document current = CURRENT.get();
        if (current != null) {
            current.add(metric, Unit.COUNT, 1, current.dimension, current.dimensionValue);
        } else {
            standalone(metric, Unit.COUNT, 1, "Route", NO_ROUTE);
        }
        total(metric, 1);
    }

    /** Counts one occurrence of {@code metric} on {@code route}. */
    public static void count(String metric, String route) {
        count(metric, 1, "Route", route);
    }

    /** Counts {@code n} of {@code metric} under one dimension (e.g. admissions by {@code EventId}). */
    public static void count(String metric, long n, String dimension, String value) {
        record(metric, Unit.COUNT, n, true, dimension, value);
        total(metric, n);
    }

    /** A level at this moment (e.g. the length of a waiting-room line) under one dimension: the last one counts. */
    public static void gauge(String metric, double level, String dimension, String value) {
        record(metric, Unit.COUNT, level, false, dimension, value);
    }

    /** A duration in seconds under one dimension (e.g. how long an admitted fan waited); CloudWatch keeps each for percentiles. */
    public static void seconds(String metric, double seconds, String dimension, String value) {
        record(metric, Unit.SECONDS, seconds, false, dimension, value);
    }

    private static void record(String metric, Unit unit, double value, boolean adds, String dimension, String dimensionValue) {
        Document current = CURRENT.get();
        if (current != null) {
            current.put(metric, unit, value, adds, dimension, dimensionValue);
        } else {
            standalone(metric, unit, value, dimension, dimensionValue);
        }
    }

    private static void standalone(String metric, Unit unit, double value, String dimension, String dimensionValue) {
        Document document = new Document(DEFAULT_NAMESPACE, dimension, dimensionValue);
        document.add(metric, unit, value, dimension, dimensionValue);
        Log.STANDARD_OUTPUT.write(document.json(System.currentTimeMillis()));
    }

    private static void total(String metric, long n) {
        TOTALS.computeIfAbsent(metric, name -> new LongAdder()).add(n);
    }

    /** How many of {@code metric} were counted in this process. */
    public static long total(String metric) {
        LongAdder total = TOTALS.get(metric);
        return total == null ? 0 : total.sum();
    }

    /** One metric in one dimension set: dimensions are name/value pairs. */
    private record Entry(String metric, Unit unit, double value, String[] dimensions) {
        boolean sameSeries(String otherMetric, String[] otherDimensions) {
            return metric.equals(otherMetric) && java.util.Arrays.equals(dimensions, otherDimensions);
        }
    }

    /** The metrics of one invocation, written as one EMF document. */
    public static final class Document {
        private final String namespace;
        private final String dimension;
        private final String dimensionValue;
        private final List<Entry> entries = new ArrayList<>(4);
        /** Name, value, name, value... */
        private final List<String> properties = new ArrayList<>(2);

        private Document(String namespace, String dimension, String dimensionValue) {
            this.namespace = namespace;
            this.dimension = dimension;
            this.dimensionValue = dimensionValue;
        }

        /** A member that is no dimension (e.g. the request id): searchable in the logs, free in CloudWatch. */
        public Document property(String name, String value) {
            if (value != null) {
                properties.add(name);
                properties.add(value);
            }
            return this;
        }

        /** Adds {@code value} to the metric in these dimensions ({@code dimensionPairs}: name, value, name, value...). */
        public Document add(String metric, Unit unit, double value, String... dimensionPairs) {
            return put(metric, unit, value, true, dimensionPairs);
        }

        private Document put(String metric, Unit unit, double value, boolean adds, String... dimensionPairs) {
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (entry.sameSeries(metric, dimensionPairs)) {
                    entries.set(i, new Entry(metric, unit, adds ? entry.value + value : value, dimensionPairs));
                    return this;
                }
            }
            entries.add(new Entry(metric, unit, value, dimensionPairs));
            return this;
        }

        /** Closes the document on this thread and answers its lines: usually one, none when nothing was counted. */
        public List<String> end(long timestamp) {
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
            if (entries.isEmpty()) {
                return List.of();
            }
            List<String> lines = new ArrayList<>(1);
            List<Entry> left = entries;
            while (!left.isEmpty()) {
                List<Entry> spill = new ArrayList<>(0);
                lines.add(json(left, spill, timestamp));
                left = spill;
            }
            return lines;
        }

        String json(long timestamp) {
            List<Entry> spill = new ArrayList<>(0);
            String line = json(entries, spill, timestamp);
            if (!spill.isEmpty()) {
                throw new IllegalStateException("one document cannot hold " + spill);
            }
            return line;
        }

        /**
         * One document of {@code entries}. Dimension values and metric values are top-level members, shared by
         * every directive of the document, so an entry whose dimension or metric already has another value here
         * goes to {@code spill}, for a document of its own. Plain arrays and scans: a document has a handful of
         * entries, and one is written for every request.
         */
        private String json(List<Entry> entries, List<Entry> spill, long timestamp) {
            Entry[] kept = new Entry[entries.size()];
            int count = 0;
            for (Entry entry : entries) {
                if (fits(entry, kept, count)) {
                    kept[count++] = entry;
                } else {
                    spill.add(entry);
                }
            }
            JsonLine line = JsonLine.start();
            line.object("_aws").field("Timestamp", timestamp).array("CloudWatchMetrics");
            // one directive per dimension set, listing the metrics counted in it
            boolean[] listed = new boolean[count];
            for (int i = 0; i < count; i++) {
                if (listed[i]) {
                    continue;
                }
                String[] dimensions = kept[i].dimensions;
                line.object().field("Namespace", namespace).array("Dimensions").array();
                for (int d = 0; d < dimensions.length; d += 2) {
                    line.value(dimensions[d]);
                }
                line.endArray().endArray().array("Metrics");
                for (int j = i; j < count; j++) {
                    if (!listed[j] && sameNames(dimensions, kept[j].dimensions)) {
                        listed[j] = true; // one series per metric and dimension set: add() merged the rest
                        line.object().field("Name", kept[j].metric).field("Unit", kept[j].unit.cloudWatchName).end();
                    }
                }
                line.endArray().end();
            }
            line.endArray().end();
            for (int i = 0; i < count; i++) {
                String[] dimensions = kept[i].dimensions;
                for (int d = 0; d < dimensions.length; d += 2) {
                    if (!dimensionBefore(kept, i, dimensions[d])) {
                        line.field(dimensions[d], dimensions[d + 1]);
                    }
                }
            }
            for (int p = 0; p < properties.size(); p += 2) {
                line.field(properties.get(p), properties.get(p + 1));
            }
            for (int i = 0; i < count; i++) {
                Entry entry = kept[i];
                if (metricBefore(kept, 0, i)) {
                    continue;
                }
                if (entry.value == Math.rint(entry.value) && Math.abs(entry.value) < 1e15) {
                    line.field(entry.metric, (long) entry.value);
                } else {
                    line.field(entry.metric, entry.value);
                }
            }
            return line.finish();
        }

        /** Whether {@code entry}'s metric and dimensions agree with the values already in the document. */
        private static boolean fits(Entry entry, Entry[] kept, int count) {
            for (int i = 0; i < count; i++) {
                Entry other = kept[i];
                if (other.metric.equals(entry.metric) && other.value != entry.value) {
                    return false;
                }
                for (int d = 0; d < entry.dimensions.length; d += 2) {
                    for (int o = 0; o < other.dimensions.length; o += 2) {
                        if (other.dimensions[o].equals(entry.dimensions[d]) && !other.dimensions[o + 1].equals(entry.dimensions[d + 1])) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        private static boolean metricBefore(Entry[] kept, int from, int index) {
            for (int i = from; i < index; i++) {
                if (kept[i].metric.equals(kept[index].metric)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean dimensionBefore(Entry[] kept, int index, String name) {
            for (int i = 0; i < index; i++) {
                for (int d = 0; d < kept[i].dimensions.length; d += 2) {
                    if (kept[i].dimensions[d].equals(name)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static boolean sameNames(String[] a, String[] b) {
            if (a.length != b.length) {
                return false;
            }
            for (int i = 0; i < a.length; i += 2) {
                if (!a[i].equals(b[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
