package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;

/**
 * Records the recovery manager's progress into a {@link Manager} and the run as a
 * {@value RecoveryEvent#NAME} JFR event. Single writer: the thread that runs the recovery.
 */
public final class ManagerUpdater {
    private static final OperationType<RecoveryEvent, Status> RECOVER = WalOperations.RECOVER;

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

    /** The run that started at {@code startNs} ended as {@code run} says; once per run. */
    public void onRecover(long startNs, RunSummary run) {
        RecoveryEvent e = RECOVER.end(block.recover, startNs);
        if (e != null) {
            e.directory = run.directory();
            e.segmentsFound = run.segmentsFound();
            e.segmentsReplayed = run.segmentsReplayed();
            e.records = run.records();
            e.bytes = run.bytes();
            e.lastValidLsn = run.lastValidLsn();
            e.droppedBytes = run.droppedBytes();
            e.detail = run.detail();
            e.mode = run.mode();
            e.reason = run.anomaly() == null ? null : run.anomaly().reason();
            e.action = run.anomaly() == null ? null : run.anomaly().action();
            e.failureSegmentId = run.failure().segmentId();
            e.failureOffset = run.failure().offset();
            e.failureLsn = run.failure().lsn();
            e.repaired = run.repaired();
        }
        // The event first, then the run's final gauges exactly as its event carries them (a stream sets
        // the same), then the count: whoever sees the run counted finds its event and its figures.
        RECOVER.commit(block.recover, e, run.status());
        block.counters.setRelease(Manager.SEGMENTS_FOUND, run.segmentsFound());
        if (run.lastValidLsn() >= 0) {
            block.counters.setRelease(Manager.LAST_VALID_LSN, run.lastValidLsn());
        }
        if (run.anomaly() != null) {
            block.countAnomaly(run.anomaly());
        }
        RECOVER.count(block.recover, run.status());
    }
}
