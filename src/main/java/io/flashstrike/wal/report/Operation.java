package io.flashstrike.wal.report;

/**
 * One {@code flashstrike.wal.*} event of a recording, as the report uses it.
 *
 * @param type           event type id
 * @param startEpochNanos start, nanoseconds since the epoch
 * @param durationNanos  duration in nanoseconds (0 for instant events)
 * @param segmentId      segment id, -1 when the event has none or does not know it
 * @param path           segment file, null when the event has none
 * @param status         {@code OK} or the failure kind, null when the event has no status
 * @param bytes          bytes the operation handled, 0 when the event has no such field
 */
public record Operation(String type, long startEpochNanos, long durationNanos, long segmentId, String path,
                        String status, long bytes) {

    /** @return whether the operation failed (its status is present and not {@code OK}) */
    public boolean failed() {
        return status != null && !status.equals("OK");
    }

    /** @return the event type id without the {@code flashstrike.wal.} prefix */
    public String shortType() {
        return RecordingReport.shortName(type);
    }
}
