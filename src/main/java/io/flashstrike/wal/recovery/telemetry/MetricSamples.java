package io.flashstrike.wal.recovery.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Every sample a block collects, keyed {@code name{label="value",...}} (labels in push order),
 * so that two sets of metrics can be compared family by family through the same collector seam
 * the exposition uses: whatever a scrape would show is compared, and nothing else.
 *
 * <p>Histograms become {@code name_count}, {@code name_sum} and one {@code name_bucket{ns="lo-hi"}}
 * per non-empty bucket of ours.
 * Not thread-safe: one instance per collection.
 */
public final class MetricSamples implements MetricsCollector {
    private final Deque<String> labels = new ArrayDeque<>();
    private final Map<String, Double> samples = new TreeMap<>();

    /** @return the samples {@code source} collects */
    public static MetricSamples of(Consumer<MetricsCollector> source) {
        MetricSamples s = new MetricSamples();
        source.accept(s);
        return s;
    }

    /** @return the samples, by key, a copy */
    public Map<String, Double> samples() {
        return new TreeMap<>(samples);
    }

    /** @return the families (metric names, without labels) collected */
    public List<String> families() {
        TreeSet<String> names = new TreeSet<>();
        for (String k : samples.keySet()) {
            int brace = k.indexOf('{');
            names.add(brace < 0 ? k : k.substring(0, brace));
        }
        return new ArrayList<>(names);
    }

    /**
     * @return one line per sample that differs, {@code key: expectedName V, actualName W}
     * ("absent" where one side has no such sample); empty when every sample is equal
     */
    public static List<String> differences(MetricSamples expected, String expectedName, MetricSamples actual,
                                           String actualName) {
        TreeSet<String> keys = new TreeSet<>(expected.samples.keySet());
        keys.addAll(actual.samples.keySet());
        List<String> diff = new ArrayList<>();
        for (String k : keys) {
            Double e = expected.samples.get(k);
            Double a = actual.samples.get(k);
            if (!Objects.equals(e, a)) {
                diff.add(k + ": " + expectedName + " " + show(e) + ", " + actualName + " " + show(a));
            }
        }
        return diff;
    }

    private static String show(Double v) {
        if (v == null) {
            return "absent";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : v.toString();
    }

    @Override
    public void pushLabel(String name, String value) {
        labels.addLast(name + "=\"" + value + "\"");
    }

    @Override
    public void popLabel() {
        labels.removeLast();
    }

    @Override
    public void counter(String name, String help, double value) {
        put(name, null, value);
    }

    @Override
    public void gauge(String name, String help, double value) {
        put(name, null, value);
    }

    @Override
    public void histogram(String name, String help, LatencyDistribution latency, double sumSeconds) {
        // At the resolution of our own buckets, finer than any le set a scrape uses: equal here
        // means equal under every HistogramBounds.
        latency.forEachBucket((lowest, highest, count) -> put(name + "_bucket", "ns=\"" + lowest + "-" + highest + "\"", count));
        put(name + "_count", null, latency.totalCount());
        put(name + "_sum", null, sumSeconds);
    }

    private void put(String name, String extra, double value) {
        StringBuilder k = new StringBuilder(name);
        if (!labels.isEmpty() || extra != null) {
            k.append('{').append(String.join(",", labels));
            if (extra != null) {
                k.append(labels.isEmpty() ? "" : ",").append(extra);
            }
            k.append('}');
        }
        samples.put(k.toString(), value);
    }
}
