package io.flashstrike.wal.recovery.telemetry;

import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Telemetry of the WAL recovery worker's segment preloader (the original's
 * {@code recovery::telemetry::SegmentPreloader}): two metrics, each on cache lines of its own.
 * <ul>
 *   <li>{@code preload_segment}: open + map + full verification chain of one segment;</li>
 *   <li>{@code finish_segment}: asynchronous close/unmap of one exhausted segment.</li>
 * </ul>
 * Written by one {@link SegmentPreloaderUpdater} (the worker thread); read from any thread through
 * {@link #dump}, {@link #collect} and the metrics' snapshots. See {@link Operation64} for the
 * threading contract and the layout.
 */
public final class SegmentPreloader {
    private static final AtomicLong IDS = new AtomicLong();

    private final Operation64 preloadSegment = new Operation64();
    private final Operation64 finishSegment = new Operation64();
    private final long id = IDS.incrementAndGet();

    /** @return the {@code preload_segment} metric */
    public Operation64 preloadSegment() {
        return preloadSegment;
    }

    /** @return the {@code finish_segment} metric */
    public Operation64 finishSegment() {
        return finishSegment;
    }

    /** @return this block's identity within the JVM, as carried by its statistics events */
    public long id() {
        return id;
    }

    /**
     * Prints a human-readable snapshot. {@code X} and {@code Y} are the total time spent, in ms;
     * the columns after them give count, failures, mean, p99 and max:
     * <pre>
     * [label Metrics] Snapshot:
     * -----------------------------------------------------------------
     *  Preload segment: X ms | count N | failures F | mean M ms | p99 P ms | max Z ms
     *  Finish segment : Y ms | ...
     * -----------------------------------------------------------------
     * </pre>
     *
     * @throws UncheckedIOException if {@code out} throws
     */
    public void dump(String label, Appendable out) {
        DumpFrame.open(label, out)
                .operation(" Preload segment: ", preloadSegment.snapshot())
                .operation(" Finish segment : ", finishSegment.snapshot())
                .close();
    }

    /**
     * Collects both metrics under {@code subsystem="wal_recovery_worker"}:
     * {@code prefix_preload_segment} and {@code prefix_finish_segment} (see {@link Operation64#collect}).
     */
    public void collect(String prefix, MetricsCollector collector) {
        collector.pushLabel("subsystem", "wal_recovery_worker");
        try {
            preloadSegment.collect(prefix + "_preload_segment", collector);
            finishSegment.collect(prefix + "_finish_segment", collector);
        } finally {
            collector.popLabel();
        }
    }
}
