package io.flashstrike.wal.segment;

/**
 * Outcome of {@link SegmentVerifier#verify verifying} one segment: what is valid, and for a
 * failure where and why it stopped. The valid prefix ({@link #recordCount()} records up to
 * {@link #validEnd()}) is usable even when the segment failed: the recovery layer decides, from
 * {@link #tornTail()} and whether this is the newest segment, whether the failure ends the log
 * cleanly or is an error.
 *
 * @param segmentId     the expected segment id (the file name's)
 * @param reason        why it failed, {@link Reason#NONE} if it did not
 * @param recordCount   number of valid records
 * @param validEnd      offset just past the last valid record (alignment padding included); the
 *                      header size if there is none; 0 if the header is invalid
 * @param lastLsn       LSN of the last valid record; the expected base LSN - 1 if there is none
 * @param lastCrc       chain value after the valid prefix (last valid record CRC, else the header
 *                      CRC, else the expected chain seed): the seed for the next segment, or for
 *                      a writer continuing this one at {@code validEnd}
 * @param failureOffset offset of the header field or record where verification stopped; -1 if OK
 * @param failureLsn    LSN expected at the failure: {@code lastLsn + 1}; -1 if OK, and -1 when it is
 *                      unknown: a header failure of a segment verified unanchored (its base LSN
 *                      was never read from a trusted header)
 * @param tailIsZero    every byte from {@code failureOffset} to the end of the file is zero (also
 *                      {@code true} when the segment is OK: its padding was checked)
 * @param segmentSize   size declared by the header (0 if the header is invalid)
 * @param fileSize      bytes actually present
 * @param detail        human-readable account naming segment, offset and LSN; "ok" if OK
 */
public record SegmentVerification(long segmentId, Reason reason, int recordCount, int validEnd,
                                  long lastLsn, int lastCrc, int failureOffset, long failureLsn,
                                  boolean tailIsZero, int segmentSize, int fileSize, String detail) {

    /** @return {@code true} if the whole segment verified */
    public boolean isOk() {
        return reason == Reason.NONE;
    }

    /**
     * @return {@code true} if the damage is what an interrupted append leaves behind (file cut
     *         short, zero header, last record running into the zero tail): a clean end of log
     *         when it is the newest segment, an error anywhere else
     */
    public boolean tornTail() {
        return reason.isTornTail();
    }

    /** @return the LSN the record after the valid prefix must carry (the next segment's base LSN) */
    public long nextLsn() {
        return lastLsn + 1;
    }

    /** @return bytes after the valid prefix, up to the declared segment size */
    public int freeBytes() {
        return Math.max(0, segmentSize - validEnd);
    }

    @Override
    public String toString() {
        return reason + " segment " + segmentId + ": " + recordCount + " records, LSN "
                + (lastLsn - recordCount + 1) + ".." + lastLsn + ", valid to " + validEnd + " of " + fileSize
                + " bytes, chain 0x" + Integer.toHexString(lastCrc) + (isOk() ? "" : " (" + detail + ")");
    }
}
