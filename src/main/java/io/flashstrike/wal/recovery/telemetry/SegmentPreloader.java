package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;

import java.io.UncheckedIOException;

/**
 * Telemetry of the WAL recovery worker's segment preloader (the C++ engine's
 * {@code recovery::telemetry::SegmentPreloader}, ported): two metrics, each on cache lines of its own.
 * <ul>
 *   <li>{@code preload_segment}: open + map + full verification chain of one segment;</li>
 *   <li>{@code finish_segment}: asynchronous close/unmap of one exhausted segment.</li>
 * </ul>
 * Written by one {@link SegmentPreloaderUpdater} (the worker thread); read from any thread through
 * {@link #dump}, {@link #collect} and the metrics' snapshots. See {@link Operation64} for the
 * threading contract and the layout, {@link TelemetryBlock} for what every block shares.
 */
public final class SegmentPreloader {
    private final TelemetryBlock block = new TelemetryBlock("wal_recovery_worker", WalOperations.PRELOADER, BlockExtras.NONE);
    final TimedOperation<PreloadSegmentEvent, Status> preload = block.operation(WalOperations.PRELOAD_SEGMENT);
    final TimedOperation<FinishSegmentEvent, Status> finish = block.operation(WalOperations.FINISH_SEGMENT);

    /** @return the {@code preload_segment} metric */
    public Operation64 preloadSegment() {
        return preload.distribution();
    }

    /** @return the {@code finish_segment} metric */
    public Operation64 finishSegment() {
        return finish.distribution();
    }

    /** @return the operations, their exposition and dump, as every block has them */
    public TelemetryBlock block() {
        return block;
    }

    /** @return JFR commits of this block's events that threw (the operations still counted) */
    public long jfrErrors() {
        return block.jfrErrors();
    }

    /** @return this block's identity within the JVM, as carried by its statistics events */
    public long id() {
        return block.id();
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
        block.dump(label, out);
    }

    /**
     * Collects both metrics under {@code subsystem="wal_recovery_worker"}:
     * {@code prefix_preload_segment} and {@code prefix_finish_segment} (see {@link Operation64#collect}),
     * {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        block.collect(prefix, collector);
    }
}
