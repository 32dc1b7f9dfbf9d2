package io.flashstrike.wal.segment;

import io.flashstrike.wal.recovery.telemetry.Status;

/**
 * Why a segment failed verification: finer than {@link Status}, which it maps to. The three
 * reasons whose status is {@link Status#TRUNCATED} are exactly the <em>torn tail</em> cases, damage
 * that an interrupted append leaves behind (see {@link TornTail}); every other failure is
 * corruption or a broken sequence.
 */
public enum Reason {
    /** The segment verified. */
    NONE(Status.OK),

    // ---- torn tail: consistent with a crash while appending ----------------------------------
    /** The file ends before its header, before a record it announces, or before its declared size. */
    TRUNCATED_FILE(Status.TRUNCATED),
    /** The header is all zero and so is the rest of the file: created, never written. */
    ZERO_HEADER(Status.TRUNCATED),
    /** The last written record fails its CRC and its claimed bytes run into the zero tail. */
    TORN_RECORD(Status.TRUNCATED),

    // ---- header ------------------------------------------------------------------------------
    /** The magic is not {@code "FSWALSEG"}: not a segment, or a damaged first word. */
    BAD_MAGIC(Status.BAD_HEADER),
    /** A format version this code does not read. */
    BAD_VERSION(Status.BAD_HEADER),
    /** The header CRC does not match the header bytes. */
    BAD_HEADER_CRC(Status.CHECKSUM_MISMATCH),
    /** The declared segment size is invalid or smaller than the file. */
    BAD_SEGMENT_SIZE(Status.BAD_HEADER),
    /** The header's segment id is not the one expected (from the file name). */
    WRONG_SEGMENT_ID(Status.BAD_HEADER),
    /** The header's base LSN does not continue the previous segment. */
    BASE_LSN_GAP(Status.OUT_OF_SEQUENCE),
    /** The header's previous-chain CRC is not the previous segment's chain value: another log, or a lost tail. */
    CHAIN_BROKEN(Status.CHECKSUM_MISMATCH),

    // ---- records -----------------------------------------------------------------------------
    /** A record length is non-zero but shorter than a record header. */
    BAD_LENGTH(Status.CORRUPT_RECORD),
    /** A record length points past the end of the segment. */
    LENGTH_PAST_END(Status.CORRUPT_RECORD),
    /** A record carrying the expected LSN fails its chained CRC, and it is not a torn last record. */
    RECORD_CRC(Status.CHECKSUM_MISMATCH),
    /** A record carries another LSN than the next one: reordered, duplicated, or an LSN field hit by damage. */
    LSN_GAP(Status.OUT_OF_SEQUENCE),
    /** A checksummed record has type 0 (reserved). */
    BAD_TYPE(Status.CORRUPT_RECORD),
    /** Non-zero bytes follow the end of records (a zeroed length, or garbage in the padding). */
    DATA_AFTER_END(Status.CORRUPT_RECORD);

    private final Status status;

    Reason(Status status) {
        this.status = status;
    }

    /** @return the coarse status reported to telemetry */
    public Status status() {
        return status;
    }

    /** @return {@code true} if this damage is what an interrupted append leaves (status {@link Status#TRUNCATED}) */
    public boolean isTornTail() {
        return status == Status.TRUNCATED;
    }
}
