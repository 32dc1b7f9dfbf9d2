package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Operation64;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.WalMetricsSource;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalDirectoryLock;
import io.flashstrike.wal.segment.WalGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Section 4 of docs/BENCHMARKS.md: the read side of the whole aggregator ({@link WalRecoveryMetrics}: three
 * blocks, five operation metrics and six counters/gauges) after real recoveries filled it: one metric's
 * snapshot, one full scrape rendered to bytes (the old hand-written writer and client_java's text,
 * OpenMetrics and protobuf writers side by side) and the human-readable dump. The exposition's size is printed at the start of the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AggregatorBench {
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();
    private WalRecoveryMetrics metrics;
    private WalMetricsSource source;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        metrics = new WalRecoveryMetrics();
        source = new WalMetricsSource(HistogramBounds.DEFAULT, c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
        Path dir = Files.createTempDirectory("flashstrike-aggregator-bench-");
        try {
            WalGenerator.into(dir).segments(8).segmentSize(1 << 20).payloadSize(512).generate();
            for (int i = 0; i < 4; i++) { // 32 preloads, finishes, reads...: every distribution has data
                RecoveryResult r = new RecoveryManager(metrics).recover(dir, (lsn, type, payload) -> { });
                if (!r.status().isOk()) {
                    throw new IllegalStateException("recovery failed: " + r.error());
                }
            }
        } finally {
            for (Path f : SegmentFiles.list(dir)) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir.resolve(WalDirectoryLock.FILE_NAME));
            Files.deleteIfExists(dir);
        }
        String text = render();
        long families = text.lines().filter(l -> l.startsWith("# TYPE")).count();
        long samples = text.lines().filter(l -> !l.startsWith("#") && !l.isEmpty()).count();
        StringBuilder dump = new StringBuilder();
        metrics.dump("wal", dump);
        System.out.printf("%n[exposition] %d bytes, %d lines, %d families, %d samples; dump %d chars%n",
                text.getBytes(StandardCharsets.UTF_8).length, text.lines().count(), families, samples, dump.length());
    }

    private String render() {
        return new String(scrapeClientJavaText(), StandardCharsets.UTF_8);
    }

    /** One operation metric's immutable snapshot (copies its 7,305 cells). */
    @Benchmark
    public Operation64.Snapshot snapshotOneMetric() {
        return metrics.segmentPreloader().preloadSegment().snapshot();
    }

    /**
     * One full scrape of the three blocks rendered to bytes, minus HTTP, by the
     * hand-written 0.0.4 writer /metrics used before (latencies as summaries).
     */
    @Benchmark
    public byte[] scrapeHandWritten() {
        HandWrittenTextCollector c = new HandWrittenTextCollector();
        metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
        return c.text().getBytes(StandardCharsets.UTF_8);
    }

    /** The same scrape as /metrics serves it now: client_java snapshots, histograms, text 0.0.4. */
    @Benchmark
    public byte[] scrapeClientJavaText() {
        return scrape(null);
    }

    /** The same, in OpenMetrics 1.0 (what Prometheus asks for first). */
    @Benchmark
    public byte[] scrapeClientJavaOpenMetrics() {
        return scrape("application/openmetrics-text; version=1.0.0");
    }

    /** The same, in Prometheus' protobuf format. */
    @Benchmark
    public byte[] scrapeClientJavaProtobuf() {
        return scrape("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
    }

    private byte[] scrape(String accept) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            FORMATS.findWriter(accept).write(out, source.collect());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The three human-readable frames into a StringBuilder. */
    @Benchmark
    public StringBuilder dump() {
        StringBuilder sb = new StringBuilder(2048);
        metrics.dump("wal", sb);
        return sb;
    }
}
