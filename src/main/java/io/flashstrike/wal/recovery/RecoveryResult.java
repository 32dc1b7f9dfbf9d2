package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.telemetry.Status;

import java.nio.file.Path;

/**
 * What a recovery run did.
 *
 * @param status           OK (the log was replayed to its end, or to a point-in-time stop), or the failure
 * @param mode             the recovery mode
 * @param directory        the WAL directory
 * @param segmentsFound    segment files found
 * @param segmentsReplayed segments that were read: their valid records delivered (a failing one included,
 *                         a missing or unopenable one not)
 * @param records          records delivered
 * @param bytes            bytes of records delivered (record headers and payloads)
 * @param lastValidLsn     LSN of the last record delivered, -1 when none
 * @param droppedBytes     written bytes after the last delivered record that were not delivered: the
 *                         damaged segment's non-zero remainder plus every later segment's size
 * @param elapsedNanos     wall time of the run
 * @param waitNanos        time the replay thread blocked waiting for the preloader
 * @param endOfLog         how the log ended (clean, torn tail, empty, point-in-time stop), or null after a failure
 * @param error            the failure naming file, segment id, offset and LSN, or null
 * @param failedSegment    the segment file where recovery stopped or failed, or null
 * @param reason           why it stopped: a segment {@code Reason} name, MISSING_SEGMENT, IO_ERROR, MAP_FAULT,
 *                         CONSUMER; null when the log ended cleanly
 * @param failureSegmentId segment id where it stopped, -1 when none
 * @param failureOffset    byte offset in that segment, -1 when not known
 * @param failureLsn       the LSN expected there (last valid + 1), -1 when not known
 * @param warning          the warning line of a tolerated anomaly (point-in-time stop, torn tail), or null
 * @param repair           what {@code --repair} did, or null when it did nothing
 */
public record RecoveryResult(Status status, RecoveryMode mode, Path directory, long segmentsFound, long segmentsReplayed,
                             long records, long bytes, long lastValidLsn, long droppedBytes, long elapsedNanos,
                             long waitNanos, String endOfLog, String error, Path failedSegment, String reason,
                             long failureSegmentId, long failureOffset, long failureLsn, String warning, String repair) {

    /** Exit code convention of the CLI: 0 ok, 3 corruption found, 1 any other failure. */
    public int exitCode() {
        if (status.isOk()) {
            return 0;
        }
        return status == Status.IO_ERROR || status == Status.UNKNOWN ? 1 : 3;
    }

    /** @return delivered bytes per second, in MB (10^6) */
    public double megabytesPerSecond() {
        return elapsedNanos == 0 ? 0 : bytes / 1e6 / (elapsedNanos / 1e9);
    }
}
