package io.flashstrike.wal.bench;

import com.codahale.metrics.MetricRegistry;
import io.flashstrike.wal.recovery.telemetry.BucketsAccess;
import io.flashstrike.wal.recovery.telemetry.LegacyOperation64;
import io.flashstrike.wal.recovery.telemetry.Operation64;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Section 2 of docs/BENCHMARKS.md: one duration recorded through {@link Operation64#record} and through the
 * record call of each library a user would pick instead. Like with like: the duration is handed
 * in (from {@link Durations}, no clock read here), every recorder is single-threaded, and each
 * peer is built the way its documentation builds it, with the precision closest to ours where it
 * has a knob (HdrHistogram: 2 significant digits = 128 sub-buckets per power of two, as ours).
 * Any clock a peer reads inside its record call is part of its cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBench {
    /** One hour in ns: HdrHistogram's range (ours covers every long). */
    private static final long HIGHEST = 3_600_000_000_000L;

    private final long[] nanos = Durations.nanos();
    private final double[] seconds = Durations.seconds();
    private int i;

    private Operation64 operation64;
    private Operation64 exemplarOperation64;
    private long exemplarId;
    private LegacyOperation64 legacyOperation64;
    private Recorder hdrRecorder;
    private SingleWriterRecorder hdrSingleWriter;
    private Histogram promClassic;
    private Histogram promDefault;
    private Timer micrometer;
    private Timer micrometerPercentiles;
    private com.codahale.metrics.Timer dropwizard;
    private LongAdder adderCount;
    private LongAdder adderSum;
    private OpaquePair opaquePair;

    @Setup
    public void setup() {
        operation64 = new Operation64();
        exemplarOperation64 = new Operation64(Status.OUTCOMES, "segment_id");
        legacyOperation64 = new LegacyOperation64();
        hdrRecorder = new Recorder(HIGHEST, 2);
        hdrSingleWriter = new SingleWriterRecorder(HIGHEST, 2);
        PrometheusRegistry registry = new PrometheusRegistry();
        promClassic = Histogram.builder().name("bench_classic_seconds").help("classic buckets only")
                .classicOnly().register(registry);
        promDefault = Histogram.builder().name("bench_default_seconds").help("library defaults: classic + native")
                .register(registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        micrometer = Timer.builder("bench.default").register(meters);
        micrometerPercentiles = Timer.builder("bench.percentiles").publishPercentiles(0.5, 0.9, 0.99, 0.999)
                .register(meters);
        dropwizard = new MetricRegistry().timer("bench");
        adderCount = new LongAdder();
        adderSum = new LongAdder();
        opaquePair = new OpaquePair();
    }

    private long nextNanos() {
        return nanos[i++ & Durations.MASK];
    }

    /** Ours: counts by status, bucket, total, min, max, count; release stores, single writer. */
    @Benchmark
    public void operation64() {
        operation64.record(nextNanos(), Status.OK);
    }

    /** Ours, keeping each operation as its latency range's exemplar (id and end time: the sequence-locked slot). */
    @Benchmark
    public void operation64WithExemplar() {
        long id = exemplarId++;
        exemplarOperation64.record(nextNanos(), Status.OK, id, id);
    }

    /** {@link #operation64} before outcomes became any enum (commit aad1815), in the same run. */
    @Benchmark
    public void legacyOperation64() {
        legacyOperation64.record(nextNanos(), Status.OK);
    }

    /** HdrHistogram {@code Recorder} (multi-writer safe: WriterReaderPhaser + atomic counts). */
    @Benchmark
    public void hdrRecorder() {
        hdrRecorder.recordValue(nextNanos());
    }

    /** HdrHistogram {@code SingleWriterRecorder} (WriterReaderPhaser, plain counts). */
    @Benchmark
    public void hdrSingleWriterRecorder() {
        hdrSingleWriter.recordValue(nextNanos());
    }

    /** Prometheus client_java 1.x {@code Histogram.observe}, classic buckets only. */
    @Benchmark
    public void prometheusClassic() {
        promClassic.observe(seconds[i++ & Durations.MASK]);
    }

    /** Prometheus client_java 1.x {@code Histogram.observe}, the builder's defaults (classic + native). */
    @Benchmark
    public void prometheusDefault() {
        promDefault.observe(seconds[i++ & Durations.MASK]);
    }

    /** Micrometer {@code Timer.record} on a {@code SimpleMeterRegistry}, defaults (count, total, max). */
    @Benchmark
    public void micrometerTimer() {
        micrometer.record(nextNanos(), TimeUnit.NANOSECONDS);
    }

    /** Micrometer {@code Timer.record} publishing p50/p90/p99/p99.9 (what our summary exports). */
    @Benchmark
    public void micrometerTimerPercentiles() {
        micrometerPercentiles.record(nextNanos(), TimeUnit.NANOSECONDS);
    }

    /** Dropwizard Metrics {@code Timer.update} (default reservoir: exponentially decaying). */
    @Benchmark
    public void dropwizardTimer() {
        dropwizard.update(nextNanos(), TimeUnit.NANOSECONDS);
    }

    /** A {@code (count, sum)} pair of {@code LongAdder}s: the JDK's contention-free counter. */
    @Benchmark
    public void longAdderPair() {
        long d = nextNanos();
        adderCount.increment();
        adderSum.add(d);
    }

    /** The floor: a single-writer {@code (count, sum)} pair published with {@code setOpaque}. */
    @Benchmark
    public void opaquePair() {
        opaquePair.record(nextNanos());
    }

    /** Our bucket math alone ({@code LogLinearBuckets.indexOf}), for attribution. */
    @Benchmark
    public int bucketIndex() {
        return BucketsAccess.indexOf(nextNanos());
    }

    /** A single-writer count and sum, published with opaque stores (no ordering between them). */
    static final class OpaquePair {
        private static final VarHandle COUNT;
        private static final VarHandle SUM;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                COUNT = l.findVarHandle(OpaquePair.class, "count", long.class);
                SUM = l.findVarHandle(OpaquePair.class, "sum", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long count;
        long sum;

        void record(long d) {
            SUM.setOpaque(this, sum + d);
            COUNT.setOpaque(this, count + 1);
        }
    }
}
