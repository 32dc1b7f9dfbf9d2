package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PeriodicStatistics;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;

/**
 * Records the preloader worker's operations into a {@link SegmentPreloader} and, when enabled,
 * as JFR events ({@value PreloadSegmentEvent#NAME}, {@value FinishSegmentEvent#NAME}), through
 * the seam every operation shares ({@link OperationType#end}, {@link OperationType#complete}).
 *
 * <h2>Threading contract</h2>
 * <b>Single writer</b>: one thread (the preloader worker) owns an updater; it reuses one event
 * object per operation kind, so two threads calling it corrupt events and lose counts.
 * Readers use the block, never the updater.
 *
 * <h2>Cost</h2>
 * One {@code System.nanoTime()} per call (the operation's end; the caller took the start). With
 * JFR off or the event disabled: that read, one enabled check, {@link Operation64#record}; no
 * allocation. With the event enabled: the event's fields are filled and committed, its span set
 * from our two readings, so JFR reads no clock. Never throws: a JFR failure is counted in
 * {@link #jfrErrors()} (exported as {@code prefix_jfr_errors_total}) and the metric is recorded regardless.
 *
 * <h2>Lifecycle</h2>
 * A new updater registers its block for the periodic {@value SegmentPreloaderStatisticsEvent#NAME}
 * event and the block's {@link TelemetryBlock#openStatistics() operation statistics}. {@link #close()} ends that at once: it emits the block's final totals (when a recording
 * enables the event) and takes the block out of every later period, so a recording started after
 * the close never sees it. Close it when the worker is done; operations recorded after the close
 * still count in the block.
 *
 * <pre>{@code
 * try (SegmentPreloaderUpdater updater = new SegmentPreloaderUpdater(block)) {
 *     long start = System.nanoTime();
 *     Status st = preload(segment);
 *     updater.onPreloadSegment(start, st);
 * }
 * }</pre>
 */
public final class SegmentPreloaderUpdater implements AutoCloseable {
    private static final OperationType<PreloadSegmentEvent, Status> PRELOAD = WalOperations.PRELOAD_SEGMENT;
    private static final OperationType<FinishSegmentEvent, Status> FINISH = WalOperations.FINISH_SEGMENT;

    private final SegmentPreloader block;
    private final TimedOperation<PreloadSegmentEvent, Status> preload;
    private final TimedOperation<FinishSegmentEvent, Status> finish;
    private final PeriodicStatistics.Registration statistics;
    private final TelemetryBlock.Statistics operationStatistics;
    private boolean closed;

    public SegmentPreloaderUpdater(SegmentPreloader metrics) {
        this.block = metrics;
        this.preload = metrics.preload;
        this.finish = metrics.finish;
        this.statistics = PeriodicStatistics.register(SegmentPreloaderStatisticsEvent.class, metrics,
                SegmentPreloaderUpdater::emitStatistics);
        this.operationStatistics = metrics.block().openStatistics();
    }

    /**
     * The owner is done: emits the block's final statistics event (if enabled) and stops its
     * periodic emission. Idempotent; owner thread, or any thread after the owner has stopped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            statistics.emit();
        } catch (RuntimeException ex) {
            preload.jfrError();
        } finally {
            statistics.close();
            operationStatistics.close();
        }
    }

    /** Records a preload that started at {@code startNs} ({@code System.nanoTime()}) and ends now. */
    public void onPreloadSegment(long startNs, Status status) {
        onPreloadSegment(startNs, status, -1L, null, 0L, 0L, null); // every field set: the event object is reused
    }

    /**
     * Records a preload with the context its JFR event carries.
     *
     * @param segmentId segment id, -1 when unknown
     * @param path      segment file (pass a string kept with the segment: no allocation here)
     * @param bytes     bytes mapped and verified
     * @param records   valid records found
     * @param detail    what failed and where; null on success
     */
    public void onPreloadSegment(long startNs, Status status, long segmentId, String path, long bytes,
                                 long records, String detail) {
        PreloadSegmentEvent e = PRELOAD.end(preload, startNs);
        if (e != null) {
            e.segmentId = segmentId;
            e.path = path;
            e.bytes = bytes;
            e.records = records;
            e.detail = detail;
        }
        PRELOAD.complete(preload, e, status, segmentId);
    }

    /** Records a finish that started at {@code startNs} ({@code System.nanoTime()}) and ends now. */
    public void onFinishSegment(long startNs, Status status) {
        onFinishSegment(startNs, status, -1L, null, 0L, null);
    }

    /**
     * Records a finish with the context its JFR event carries.
     *
     * @param segmentId segment id, -1 when unknown
     * @param path      segment file
     * @param bytes     bytes unmapped
     * @param detail    what failed; null on success
     */
    public void onFinishSegment(long startNs, Status status, long segmentId, String path, long bytes, String detail) {
        FinishSegmentEvent e = FINISH.end(finish, startNs);
        if (e != null) {
            e.segmentId = segmentId;
            e.path = path;
            e.bytes = bytes;
            e.detail = detail;
        }
        FINISH.complete(finish, e, status, segmentId);
    }

    /** @return JFR commits that threw (none expected); also exported as {@code prefix_jfr_errors_total} */
    public long jfrErrors() {
        return block.jfrErrors();
    }

    private static void emitStatistics(SegmentPreloader block) {
        SegmentPreloaderStatisticsEvent ev = new SegmentPreloaderStatisticsEvent();
        if (!ev.shouldCommit()) {
            return;
        }
        Operation64.Snapshot p = block.preloadSegment().snapshot();
        Operation64.Snapshot f = block.finishSegment().snapshot();
        ev.blockId = block.id();
        ev.preloadSuccesses = p.successes();
        ev.preloadFailures = p.failures();
        ev.preloadTotal = p.totalNanos();
        ev.preloadP99 = p.percentileNanos(99);
        ev.preloadMax = p.maxNanos();
        ev.finishSuccesses = f.successes();
        ev.finishFailures = f.failures();
        ev.finishTotal = f.totalNanos();
        ev.finishP99 = f.percentileNanos(99);
        ev.finishMax = f.maxNanos();
        ev.commit();
    }
}
