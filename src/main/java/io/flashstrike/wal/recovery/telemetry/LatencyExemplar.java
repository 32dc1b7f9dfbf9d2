package io.flashstrike.wal.recovery.telemetry;

/**
 * One operation kept as an example of its latency range: served as the exemplar of the histogram
 * bucket it fell in (OpenMetrics), so a slow bucket leads to the segment and the time to look up
 * in the recording.
 *
 * @param valueNanos  the operation's duration
 * @param label       the id's label name, e.g. {@code segment_id}
 * @param id          the id, e.g. the segment's
 * @param epochMillis when it ended, milliseconds since the epoch
 * @param endNanoTime when it ended, {@code System.nanoTime()} of this JVM (orders exemplars)
 */
public record LatencyExemplar(long valueNanos, String label, long id, long epochMillis, long endNanoTime) {
}
