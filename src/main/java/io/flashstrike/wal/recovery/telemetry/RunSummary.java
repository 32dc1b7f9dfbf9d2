package io.flashstrike.wal.recovery.telemetry;

/**
 * One recovery run as its {@code Recovery} event and the manager's block record it.
 *
 * @param status           OK or the failure kind
 * @param directory        the WAL directory
 * @param mode             strict, tolerate-tail or point-in-time
 * @param segmentsFound    segment files found
 * @param segmentsReplayed segments whose records were delivered
 * @param records          records delivered
 * @param bytes            bytes of records delivered
 * @param lastValidLsn     LSN of the last record delivered, -1 when none
 * @param droppedBytes     bytes after the last valid record not delivered
 * @param detail           the error, or how the log ended
 * @param anomaly          why the run stopped or was marked and what was done, null when the log ended cleanly
 * @param failure          where it stopped, {@link Position#NONE} when it did not
 * @param repaired         whether {@code --repair} changed files
 */
public record RunSummary(Status status, String directory, String mode, long segmentsFound, long segmentsReplayed,
                         long records, long bytes, long lastValidLsn, long droppedBytes, String detail, Anomaly anomaly,
                         Position failure, boolean repaired) {

    /**
     * A place in the log.
     *
     * @param segmentId segment id, -1 when none
     * @param offset    byte offset in that segment, -1 when not known
     * @param lsn       the LSN expected there (last valid + 1), -1 when not known
     */
    public record Position(long segmentId, long offset, long lsn) {
        public static final Position NONE = new Position(-1, -1, -1);
    }
}
