package io.flashstrike.wal.recovery.telemetry;

/**
 * Outcome of one recovery-worker operation (a segment preload, a segment finish, a record read).
 *
 * <p>The constant names are the vocabulary shared by every output: the {@code status} label in
 * Prometheus, the {@code status} field of the JFR events (readable as is in JDK Mission Control)
 * and the report. Add new kinds at the end: the ordinal indexes fixed-size counter arrays.
 */
public enum Status {
    /** The operation completed. */
    OK,
    /** The operating system reported an I/O failure (open, map, read, close). */
    IO_ERROR,
    /** A CRC32C over a header or record did not match, or the checksum chain broke. */
    CHECKSUM_MISMATCH,
    /** A segment header is malformed: bad magic, unsupported version, wrong segment id. */
    BAD_HEADER,
    /** The data ends before a header or record it announces is complete. */
    TRUNCATED,
    /** An expected segment file does not exist. */
    NOT_FOUND,
    /** Segments or records are out of order: a gap or a step back in segment id or LSN. */
    OUT_OF_SEQUENCE,
    /** A record is malformed in a way its checksum cannot explain (length past the segment end, bad type). */
    CORRUPT_RECORD,
    /** The caller reported no status ({@code null}); recorded as a failure so it is never lost. */
    UNKNOWN;

    private static final Status[] VALUES = values();

    /** {@link #OK} is the one success; a null outcome counts as {@link #UNKNOWN}. */
    public static final OutcomeType<Status> OUTCOMES = OutcomeType.of(Status.class, UNKNOWN, OK);

    /** @return {@code true} only for {@link #OK}. */
    public boolean isOk() {
        return this == OK;
    }

    /** @return the name of {@code status}, {@code UNKNOWN} for null: what events and labels carry */
    public static String nameOf(Status status) {
        return status == null ? UNKNOWN.name() : status.name();
    }

    /** Number of constants, for fixed-size per-status arrays. */
    public static int count() {
        return VALUES.length;
    }

    /** @return the constant with this ordinal (no allocation, unlike {@code values()}). */
    public static Status ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
