package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.LatencyDistribution;
import io.flashstrike.wal.recovery.telemetry.LatencyExemplar;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.recovery.telemetry.NativeBuckets;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The blocks' collector interface ({@code pushLabel} / {@code counter} / {@code histogram} /
 * {@code popLabel}) building Prometheus client_java's immutable {@link MetricSnapshots}: every
 * exposition (text 0.0.4, OpenMetrics, protobuf, the push) renders what this returns.
 *
 * <p>Samples of one family may arrive under different label stacks; they are grouped into one
 * snapshot. An invalid metric or label name, a second sample with the same name and labels, or a
 * family collected with two types is rejected with {@link IllegalArgumentException} at once,
 * naming the sample: an exposition a scraper rejects whole would lose every series.
 *
 * <p>Not thread-safe: one collector per scrape.
 */
public final class SnapshotCollector implements MetricsCollector {
    private final HistogramBounds bounds;
    private final double[] upperBoundsWithInf;
    private final Deque<String[]> labels = new ArrayDeque<>();
    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> samples = new HashSet<>();

    public SnapshotCollector() {
        this(HistogramBounds.DEFAULT);
    }

    public SnapshotCollector(HistogramBounds bounds) {
        this.bounds = bounds;
        double[] b = bounds.upperSeconds();
        this.upperBoundsWithInf = java.util.Arrays.copyOf(b, b.length + 1);
        upperBoundsWithInf[b.length] = Double.POSITIVE_INFINITY;
    }

    @Override
    public void pushLabel(String name, String value) {
        if (name == null || !PrometheusNaming.isValidLegacyLabelName(name) || name.startsWith("__")) {
            throw new IllegalArgumentException("invalid Prometheus label name: " + name);
        }
        if (value == null) {
            throw new IllegalArgumentException("label " + name + " has a null value");
        }
        for (String[] l : labels) {
            if (l[0].equals(name)) {
                throw new IllegalArgumentException("label " + name + " is already pushed (value \"" + l[1] + "\")");
            }
        }
        labels.addLast(new String[] {name, value});
    }

    @Override
    public void popLabel() {
        if (labels.isEmpty()) {
            throw new IllegalStateException("popLabel() without a matching pushLabel()");
        }
        labels.removeLast();
    }

    @Override
    public void counter(String name, String help, double value) {
        if (name == null || !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter name must end in _total: " + name);
        }
        // client_java names a counter family without its _total suffix and writes it back per sample.
        String family = name.substring(0, name.length() - "_total".length());
        family(family, Type.COUNTER, help).points.add(
                CounterDataPointSnapshot.builder().labels(labels(name)).value(value).build());
    }

    @Override
    public void gauge(String name, String help, double value) {
        family(name, Type.GAUGE, help).points.add(GaugeDataPointSnapshot.builder().labels(labels(name)).value(value).build());
    }

    @Override
    public void histogram(String name, String help, LatencyDistribution latency, double sumSeconds) {
        HistogramDataPointSnapshot.Builder point = HistogramDataPointSnapshot.builder()
                .labels(labels(name))
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsWithInf, bounds.counts(latency)))
                .sum(sumSeconds);
        if (!latency.exemplars().isEmpty()) { // OpenMetrics and protobuf serve them; text 0.0.4 has no place for them
            point.exemplars(exemplars(latency.exemplars()));
        }
        NativeBuckets n = bounds.nativeBuckets();
        if (n != null) { // only the protobuf format carries them; text and OpenMetrics keep the classic buckets
            NativeBuckets.Filled f = n.fill(latency);
            point.nativeSchema(n.schema()).nativeZeroThreshold(0).nativeZeroCount(f.zeroCount())
                    .nativeBucketsForPositiveValues(NativeHistogramBuckets.of(f.indexes(), f.counts()));
        }
        family(name, Type.HISTOGRAM, help).points.add(point.build());
    }

    /** Ours, latest first: client_java gives each bucket the latest whose value falls in it. */
    private static Exemplars exemplars(List<LatencyExemplar> kept) {
        List<Exemplar> out = new ArrayList<>(kept.size());
        for (LatencyExemplar x : kept) {
            out.add(Exemplar.builder().value(x.valueNanos() / 1e9).labels(Labels.of(x.label(), Long.toString(x.id())))
                    .timestampMillis(x.epochMillis()).build());
        }
        return Exemplars.of(out);
    }

    /** @return everything collected, as client_java's immutable snapshots */
    public MetricSnapshots snapshots() {
        if (!labels.isEmpty()) {
            throw new IllegalStateException(labels.size() + " label(s) pushed and never popped");
        }
        List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (Family f : families.values()) {
            out.add(f.build());
        }
        return new MetricSnapshots(out);
    }

    private Family family(String name, Type type, String help) {
        if (name == null || !PrometheusNaming.isValidLegacyMetricName(name)) {
            throw new IllegalArgumentException("invalid Prometheus metric name: " + name);
        }
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help == null ? "" : help));
        if (f.type != type) {
            throw new IllegalArgumentException(name + " collected as " + type + ", already a " + f.type);
        }
        return f;
    }

    private Labels labels(String sample) {
        String[] names = new String[labels.size()];
        String[] values = new String[labels.size()];
        int i = 0;
        for (String[] l : labels) {
            names[i] = l[0];
            values[i++] = l[1];
        }
        Labels set = Labels.of(names, values);
        if (!samples.add(sample + set)) {
            throw new IllegalArgumentException("duplicate sample " + sample + set);
        }
        return set;
    }

    private enum Type { COUNTER, GAUGE, HISTOGRAM }

    private static final class Family {
        final String name;
        final Type type;
        final String help;
        final List<Object> points = new ArrayList<>();

        Family(String name, Type type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        MetricSnapshot build() {
            switch (type) {
                case COUNTER -> {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                    points.forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
                    return b.build();
                }
                case GAUGE -> {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                    points.forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
                    return b.build();
                }
                default -> {
                    HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
                    points.forEach(p -> b.dataPoint((HistogramDataPointSnapshot) p));
                    return b.build();
                }
            }
        }
    }
}
