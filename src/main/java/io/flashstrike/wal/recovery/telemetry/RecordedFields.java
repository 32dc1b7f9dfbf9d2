package io.flashstrike.wal.recovery.telemetry;

/**
 * The fields of one recorded event as a block's mirror reads them back: what a stream hands the
 * core, without the core depending on {@code jdk.jfr.consumer}. Absent fields read as 0, false or null.
 */
public interface RecordedFields {
    /** @return the event type's name */
    String eventName();

    /** @return the event's duration in nanoseconds */
    long durationNanos();

    /** @return the event's end in nanoseconds since the epoch */
    long endNanos();

    /** @return the field, 0 when absent */
    long getLong(String field);

    /** @return the field, false when absent */
    boolean getBoolean(String field);

    /** @return the field, null when absent */
    String getString(String field);
}
