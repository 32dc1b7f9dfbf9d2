package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;

/**
 * Records the recovery manager's progress into a {@link Manager} and the run as a
 * {@value RecoveryEvent#NAME} JFR event. Single writer: the thread that runs the recovery.
 */
public final class ManagerUpdater {
    private static final EventTiming TIMING = EventTiming.of(RecoveryEvent.class);

    private final Manager block;

    public ManagerUpdater(Manager block) {
        this.block = block;
    }

    /** A run found {@code segments} segment files. */
    public void onStart(long segments) {
        block.counters.setRelease(Manager.SEGMENTS_FOUND, segments);
    }

    /** A segment was replayed up to {@code lastLsn} (-1 when it held no record). */
    public void onSegmentReplayed(long lastLsn) {
        block.counters.addRelease(Manager.SEGMENTS_REPLAYED, 1);
        if (lastLsn >= 0) {
            block.counters.setRelease(Manager.LAST_VALID_LSN, lastLsn);
        }
    }

    /** Bytes after the last valid record were not delivered (a torn tail, or data after a fault). */
    public void onDropped(long bytes) {
        block.counters.addRelease(Manager.DROPPED_BYTES, bytes);
    }

    /**
     * The run that started at {@code startNs} ended with {@code status}.
     *
     * @param reason why it stopped (null when the log ended cleanly)
     * @param action failed, stopped or tolerated (null with no reason)
     */
    public void onRecover(long startNs, Status status, String directory, long segmentsFound, long segmentsReplayed,
                          long records, long bytes, long lastValidLsn, long droppedBytes, String detail, String mode,
                          String reason, String action, long failureSegmentId, long failureOffset, long failureLsn,
                          boolean repaired) {
        long durationNs = System.nanoTime() - startNs;
        RecoveryEvent e = new RecoveryEvent(); // once per run: not a hot path
        if (e.isEnabled()) {
            commit(TIMING, e, startNs, durationNs, status, directory, segmentsFound, segmentsReplayed, records, bytes,
                    lastValidLsn, droppedBytes, detail, mode, reason, action, failureSegmentId, failureOffset, failureLsn, repaired);
        }
        // After the commit, as every updater: whoever sees the run counted finds its event committed.
        // The run's final gauges, exactly as its event carries them (a stream sets the same).
        block.counters.setRelease(Manager.SEGMENTS_FOUND, segmentsFound);
        if (lastValidLsn >= 0) {
            block.counters.setRelease(Manager.LAST_VALID_LSN, lastValidLsn);
        }
        if (reason != null) {
            block.countAnomaly(reason, action);
        }
        block.recover().record(durationNs, status);
    }

    /** Package-private with the timing a parameter so a test can make the commit fail; callers pass the constant. */
    void commit(EventTiming timing, RecoveryEvent e, long startNs, long durationNs, Status status, String directory,
                long segmentsFound, long segmentsReplayed, long records, long bytes, long lastValidLsn, long droppedBytes,
                String detail, String mode, String reason, String action, long failureSegmentId, long failureOffset,
                long failureLsn, boolean repaired) {
        try {
            timing.spanOrBegin(e, startNs, durationNs);
            if (e.shouldCommit()) {
                e.directory = directory;
                e.segmentsFound = segmentsFound;
                e.segmentsReplayed = segmentsReplayed;
                e.records = records;
                e.bytes = bytes;
                e.lastValidLsn = lastValidLsn;
                e.droppedBytes = droppedBytes;
                e.status = Status.nameOf(status);
                e.detail = detail;
                e.mode = mode;
                e.reason = reason;
                e.action = action;
                e.failureSegmentId = failureSegmentId;
                e.failureOffset = failureOffset;
                e.failureLsn = failureLsn;
                e.repaired = repaired;
                e.commit();
            }
        } catch (RuntimeException ex) {
            // JFR must never fail the recovery; the run is counted above regardless.
            block.counters.addRelease(Manager.JFR_ERRORS, 1);
        }
    }
}
