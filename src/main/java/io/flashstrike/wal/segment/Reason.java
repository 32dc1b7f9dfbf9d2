package io.flashstrike.wal.segment;

/**
 * Why a segment failed verification. Three reasons are the <em>torn tail</em> cases, damage that
 * an interrupted append leaves behind (see {@link TornTail}); every other failure is corruption
 * or a broken sequence. The format knows nothing of telemetry: the recovery layer maps a reason to
 * the coarse outcome it reports ({@code io.flashstrike.wal.recovery.Outcomes}).
 */
public enum Reason {
    /** The segment verified. */
    NONE(false),

    // ---- torn tail: consistent with a crash while appending ----------------------------------
    /** The file ends before its header, before a record it announces, or before its declared size. */
    TRUNCATED_FILE(true),
    /** The header is all zero and so is the rest of the file: created, never written. */
    ZERO_HEADER(true),
    /** The last written record fails its CRC and its claimed bytes run into the zero tail. */
    TORN_RECORD(true),

    // ---- header ------------------------------------------------------------------------------
    /** The magic is not {@code "FSWALSEG"}: not a segment, or a damaged first word. */
    BAD_MAGIC(false),
    /** A format version this code does not read. */
    BAD_VERSION(false),
    /** The header CRC does not match the header bytes. */
    BAD_HEADER_CRC(false),
    /** The declared segment size is invalid or smaller than the file. */
    BAD_SEGMENT_SIZE(false),
    /** The header's segment id is not the one expected (from the file name). */
    WRONG_SEGMENT_ID(false),
    /** The header's base LSN does not continue the previous segment. */
    BASE_LSN_GAP(false),
    /** The header's previous-chain CRC is not the previous segment's chain value: another log, or a lost tail. */
    CHAIN_BROKEN(false),

    // ---- records -----------------------------------------------------------------------------
    /** A record length is non-zero but shorter than a record header. */
    BAD_LENGTH(false),
    /** A record length points past the end of the segment. */
    LENGTH_PAST_END(false),
    /** A record carrying the expected LSN fails its chained CRC, and it is not a torn last record. */
    RECORD_CRC(false),
    /** A record carries another LSN than the next one: reordered, duplicated, or an LSN field hit by damage. */
    LSN_GAP(false),
    /** A checksummed record has type 0 (reserved). */
    BAD_TYPE(false),
    /** Non-zero bytes follow the end of records (a zeroed length, or garbage in the padding). */
    DATA_AFTER_END(false);

    private final boolean tornTail;

    Reason(boolean tornTail) {
        this.tornTail = tornTail;
    }

    /** @return {@code true} if this damage is what an interrupted append leaves behind */
    public boolean isTornTail() {
        return tornTail;
    }
}
