package io.flashstrike.wal.recovery.telemetry;

import java.util.List;

/**
 * The WAL recovery metrics aggregator: the three blocks of one recovery pipeline (preloader,
 * reader, manager), dumped and collected together.
 */
public final class WalRecoveryMetrics {
    /** The metric name prefix used by the CLI and the Prometheus endpoint. */
    public static final String DEFAULT_PREFIX = "flashstrike_wal";

    private final Manager manager = new Manager();
    private final SegmentReader segmentReader = new SegmentReader();
    private final SegmentPreloader segmentPreloader = new SegmentPreloader();

    public Manager manager() {
        return manager;
    }

    public SegmentReader segmentReader() {
        return segmentReader;
    }

    public SegmentPreloader segmentPreloader() {
        return segmentPreloader;
    }

    /** @return the three blocks as every block is seen (operations, subsystem), in collection order */
    public List<TelemetryBlock> blocks() {
        return List.of(manager.block(), segmentReader.block(), segmentPreloader.block());
    }

    /** Prints the three frames, labelled {@code label Recovery Manager}, {@code ... Segment Reader}, {@code ... Segment Preloader}. */
    public void dump(String label, Appendable out) {
        manager.dump(label + " Recovery Manager", out);
        segmentReader.dump(label + " Segment Reader", out);
        segmentPreloader.dump(label + " Segment Preloader", out);
    }

    /** Collects the three blocks, each under its own {@code subsystem} label. */
    public void collect(String prefix, MetricsCollector collector) {
        manager.collect(prefix, collector);
        segmentReader.collect(prefix, collector);
        segmentPreloader.collect(prefix, collector);
    }
}
