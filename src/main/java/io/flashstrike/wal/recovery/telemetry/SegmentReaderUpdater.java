package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;

/**
 * Records the replay thread's reads into a {@link SegmentReader} and as JFR events
 * ({@value WaitForSegmentEvent#NAME}, {@value ReadSegmentEvent#NAME}).
 *
 * <p>Single writer: the replay thread. Same cost model as {@link SegmentPreloaderUpdater}: one
 * clock read per call, no allocation, never throws (a JFR commit that throws is counted in
 * {@link SegmentReader#jfrErrors()}). Called once per segment, not per record: the
 * record loop stays free of telemetry. Every figure is counted after the event is committed
 * (see {@link OperationType}), so a reader that sees it finds the event in the recording.
 */
public final class SegmentReaderUpdater {
    private static final OperationType<WaitForSegmentEvent, Status> WAIT = WalOperations.WAIT_FOR_SEGMENT;
    private static final OperationType<ReadSegmentEvent, Status> READ = WalOperations.READ_SEGMENT;

    private final SegmentReader block;
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
        boolean fill = !filled;
        filled = true;
        WaitForSegmentEvent e = WAIT.end(block.waitFor, startNs);
        if (e != null) {
            e.segmentId = segmentId;
            e.fill = fill;
        }
        WAIT.complete(block.waitFor, e, status, segmentId);
        long durationNs = block.waitFor.lastNanos();
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
        ReadSegmentEvent e = READ.end(block.read, startNs);
        if (e != null) {
            e.segmentId = segmentId;
            e.path = path;
            e.records = records;
            e.bytes = bytes;
            e.lastLsn = lastLsn;
        }
        READ.complete(block.read, e, status, segmentId);
        block.counters.addRelease(SegmentReader.RECORDS, records);
        block.counters.addRelease(SegmentReader.BYTES, bytes);
    }
}
