package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;

/**
 * Records the replay thread's reads into a {@link SegmentReader} and as JFR events
 * ({@value WaitForSegmentEvent#NAME}, {@value ReadSegmentEvent#NAME}).
 *
 * <p>Single writer: the replay thread. Same cost model as {@link SegmentPreloaderUpdater}: one
 * clock read per call, no allocation, never throws (a JFR commit that throws is counted in
 * {@link SegmentReader#jfrErrors()}). Called once per segment, not per record: the
 * record loop stays free of telemetry.
 */
public final class SegmentReaderUpdater {
    private static final EventTiming WAIT_TIMING = EventTiming.of(WaitForSegmentEvent.class);
    private static final EventTiming READ_TIMING = EventTiming.of(ReadSegmentEvent.class);

    private final SegmentReader block;
    private final WaitForSegmentEvent waitEvent = new WaitForSegmentEvent();
    private final ReadSegmentEvent readEvent = new ReadSegmentEvent();
    /** One updater per recovery run: its first wait is the pipeline filling. */
    private boolean filled;

    public SegmentReaderUpdater(SegmentReader block) {
        this.block = block;
    }

    /**
     * The replay thread stopped waiting for the preloader.
     *
     * @param startNs   {@code System.nanoTime()} when it started waiting
     * @param segmentId the segment handed over, -1 when none
     * @return the wait in nanoseconds
     */
    public long onWaitForSegment(long startNs, Status status, long segmentId) {
        long durationNs = System.nanoTime() - startNs;
        boolean fill = !filled;
        filled = true;
        WaitForSegmentEvent e = waitEvent;
        if (e.isEnabled()) {
            commitWait(WAIT_TIMING, e, startNs, durationNs, segmentId, fill);
        }
        // Recorded after the commit, as the preloader's: a reader that sees the count finds the event committed.
        block.waitForSegment().record(durationNs, status);
        if (fill) {
            block.counters.addRelease(SegmentReader.FILL_NANOS, durationNs);
        }
        return durationNs;
    }

    /**
     * The replay thread delivered {@code records} records ({@code bytes} bytes) of one segment, the
     * last with LSN {@code lastLsn} (-1 when none).
     */
    public void onReadSegment(long startNs, Status status, long segmentId, String path, long records, long bytes,
                              long lastLsn) {
        long durationNs = System.nanoTime() - startNs;
        ReadSegmentEvent e = readEvent;
        if (e.isEnabled()) {
            commitRead(READ_TIMING, e, startNs, durationNs, status, segmentId, path, records, bytes, lastLsn);
        }
        block.counters.addRelease(SegmentReader.RECORDS, records);
        block.counters.addRelease(SegmentReader.BYTES, bytes);
        block.readSegment().record(durationNs, status);
    }

    /** Package-private with the timing a parameter so a test can make the commit fail; callers pass the constant. */
    void commitWait(EventTiming timing, WaitForSegmentEvent e, long startNs, long durationNs, long segmentId, boolean fill) {
        try {
            timing.spanOrBegin(e, startNs, durationNs);
            if (e.shouldCommit()) {
                e.segmentId = segmentId;
                e.fill = fill;
                e.commit();
            }
        } catch (RuntimeException ex) {
            jfrError(); // JFR must never fail the replay; the metric is recorded regardless
        }
    }

    void commitRead(EventTiming timing, ReadSegmentEvent e, long startNs, long durationNs, Status status, long segmentId,
                    String path, long records, long bytes, long lastLsn) {
        try {
            timing.spanOrBegin(e, startNs, durationNs);
            if (e.shouldCommit()) {
                e.segmentId = segmentId;
                e.path = path;
                e.records = records;
                e.bytes = bytes;
                e.lastLsn = lastLsn;
                e.status = Status.nameOf(status);
                e.commit();
            }
        } catch (RuntimeException ex) {
            jfrError();
        }
    }

    private void jfrError() {
        block.counters.addRelease(SegmentReader.JFR_ERRORS, 1);
    }
}
