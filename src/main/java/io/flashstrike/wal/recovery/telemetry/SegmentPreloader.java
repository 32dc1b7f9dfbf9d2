package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;

import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Telemetry of the WAL recovery worker's segment preloader (the C++ engine's
 * {@code recovery::telemetry::SegmentPreloader}, ported): two metrics, each on cache lines of its own.
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
    /** The help of {@code prefix_jfr_errors_total}, one family for the three blocks. */
    static final String JFR_ERRORS_HELP = "JFR event commits that threw; the operation was counted in the metrics regardless";
    static final int JFR_ERRORS = 0;

    private final Operation64 preloadSegment = new Operation64();
    private final Operation64 finishSegment = new Operation64();
    private final long id = IDS.incrementAndGet();
    /** Written by the updater only when a JFR commit throws; off the hot path. */
    final PaddedCounters counters = new PaddedCounters(1);

    /** @return the {@code preload_segment} metric */
    public Operation64 preloadSegment() {
        return preloadSegment;
    }

    /** @return the {@code finish_segment} metric */
    public Operation64 finishSegment() {
        return finishSegment;
    }

    /** @return JFR commits of this block's events that threw (the operations still counted) */
    public long jfrErrors() {
        return counters.getAcquire(JFR_ERRORS);
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
     * {@code prefix_preload_segment} and {@code prefix_finish_segment} (see {@link Operation64#collect}),
     * {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        collector.pushLabel("subsystem", "wal_recovery_worker");
        try {
            preloadSegment.collect(prefix + "_preload_segment", collector);
            finishSegment.collect(prefix + "_finish_segment", collector);
            collector.counter(prefix + "_jfr_errors_total", JFR_ERRORS_HELP, jfrErrors());
        } finally {
            collector.popLabel();
        }
    }
}
