package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;

/**
 * Bench only, for a before/after in one run: {@code SegmentPreloaderUpdater} as it was before the
 * seam (commit aad1815) — per-operation commit code with static final span accessors, over
 * {@link LegacyOperation64} — without the statistics registration. Single writer.
 */
public final class LegacyPreloaderUpdater {
    private static final EventTiming PRELOAD_TIMING = EventTiming.of(PreloadSegmentEvent.class);
    private static final EventTiming FINISH_TIMING = EventTiming.of(FinishSegmentEvent.class);

    private final LegacyOperation64 preload = new LegacyOperation64();
    private final LegacyOperation64 finish = new LegacyOperation64();
    private long jfrErrors;
    private final PreloadSegmentEvent preloadEvent = new PreloadSegmentEvent();
    private final FinishSegmentEvent finishEvent = new FinishSegmentEvent();

    /** Records a preload that started at {@code startNs} ({@code System.nanoTime()}) and ends now. */
    public void onPreloadSegment(long startNs, Status status) {
        onPreloadSegment(startNs, status, -1L, null, 0L, 0L, null);
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
        long durationNs = System.nanoTime() - startNs;
        PreloadSegmentEvent e = preloadEvent;
        if (e.isEnabled()) {
            commitPreload(PRELOAD_TIMING, e, startNs, durationNs, status, segmentId, path, bytes, records, detail);
        }
        // Recorded after the commit: a statistics snapshot that counts this operation then finds its
        // event already committed, so a stream never sees a total ahead of the events (no false loss).
        preload.record(durationNs, status);
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
        long durationNs = System.nanoTime() - startNs;
        FinishSegmentEvent e = finishEvent;
        if (e.isEnabled()) {
            commitFinish(FINISH_TIMING, e, startNs, durationNs, status, segmentId, path, bytes, detail);
        }
        finish.record(durationNs, status); // after the commit, as above
    }

    public long jfrErrors() {
        return jfrErrors;
    }

    public LegacyOperation64 preload() {
        return preload;
    }

    /** The slow path of a commit that threw: counted in the block, readable by any thread. */
    private void jfrError() {
        jfrErrors++;
    }

    /** Package-private with the timing a parameter so a test can make the commit fail; callers pass the constant. */
    void commitPreload(EventTiming timing, PreloadSegmentEvent e, long startNs, long durationNs, Status status,
                               long segmentId, String path, long bytes, long records, String detail) {
        try {
            timing.spanOrBegin(e, startNs, durationNs);
            if (e.shouldCommit()) {
                e.segmentId = segmentId;
                e.path = path;
                e.bytes = bytes;
                e.records = records;
                e.status = Status.nameOf(status);
                e.detail = detail;
                e.commit();
            }
        } catch (RuntimeException ex) {
            jfrError();
        }
    }

    void commitFinish(EventTiming timing, FinishSegmentEvent e, long startNs, long durationNs, Status status,
                              long segmentId, String path, long bytes, String detail) {
        try {
            timing.spanOrBegin(e, startNs, durationNs);
            if (e.shouldCommit()) {
                e.segmentId = segmentId;
                e.path = path;
                e.bytes = bytes;
                e.status = Status.nameOf(status);
                e.detail = detail;
                e.commit();
            }
        } catch (RuntimeException ex) {
            jfrError();
        }
    }

}
