package io.flashstrike.wal.segment;

import java.nio.ByteBuffer;

/**
 * Tells a torn tail from corruption. This is the only place the rule lives; the verifier asks it
 * and reports {@link Reason#TORN_RECORD} / {@link Reason#ZERO_HEADER} or a corruption reason.
 *
 * <p>Why it matters: segments are written front to back into a zero-filled file, so a crash in
 * the middle of an append leaves the last record incomplete <em>and nothing non-zero after
 * it</em>. Recovery must accept that in the newest segment (it is the clean end of the log: those
 * bytes were never acknowledged) but must not accept damage in the middle of data, which would
 * silently drop records that were.
 *
 * <p>The rule, for a record at {@code r} with length {@code L} that fails its CRC: let {@code z}
 * be the start of the trailing all-zero run (every byte from {@code z} to the end of the file is
 * zero). The record is <b>torn</b> iff {@code z < r + L}: its claimed bytes run into the zero
 * tail, i.e. past what was written, so nothing was written after it; or iff {@code z = r + L}
 * (nothing was written after it either) and one whole {@value #SECTOR}-byte sector inside it
 * (aligned on the file offset) is all zero: a multi-sector append whose sectors reached the disk
 * out of order, the last one before a middle one. A CRC failure with non-zero bytes after the
 * record's end is corruption. A length past the segment end or below the record header size is
 * never produced by an interrupted append (the length is written with the record) and is always
 * corruption. The one ambiguity: a last record whose payload legitimately ends in zero bytes, or
 * holds a zero sector, and is then damaged looks torn.
 *
 * <p>Scans read 8 bytes at a time; they run only on failures and over end-of-segment padding.
 */
public final class TornTail {
    /** The disk sector: the unit a disk persists whole, and may persist out of order within one write. */
    public static final int SECTOR = 512;

    private TornTail() {
    }

    /**
     * @param segment zero-based view of the segment (little-endian or not: zero is zero)
     * @return the smallest {@code z >= from} such that bytes {@code [z, limit)} are all zero
     */
    public static int zeroTailOffset(ByteBuffer segment, int from) {
        int i = segment.limit();
        while (i - Long.BYTES >= from && segment.getLong(i - Long.BYTES) == 0) {
            i -= Long.BYTES;
        }
        while (i > from && segment.get(i - 1) == 0) {
            i--;
        }
        return i;
    }

    /** @return the offset of the first non-zero byte at or after {@code from}, or the limit if none */
    public static int firstNonZero(ByteBuffer segment, int from) {
        int limit = segment.limit();
        int i = from;
        while (i + Long.BYTES <= limit && segment.getLong(i) == 0) {
            i += Long.BYTES;
        }
        while (i < limit && segment.get(i) == 0) {
            i++;
        }
        return i;
    }

    /** @return {@code true} if every byte from {@code from} to the limit is zero (vacuously if none) */
    public static boolean isZeroFrom(ByteBuffer segment, int from) {
        return from >= segment.limit() || zeroTailOffset(segment, from) == from;
    }

    /**
     * The torn-record rule (see the class doc).
     *
     * @param record offset of a record that failed its CRC
     * @param length its {@code LENGTH} field, already known to lie within the file
     * @return {@code true} if the record runs into the zero tail (torn), {@code false} if data follows (corrupt)
     */
    public static boolean isTornRecord(ByteBuffer segment, int record, int length) {
        int z = zeroTailOffset(segment, record);
        return z < record + length || (z == record + length && zeroSectorIn(segment, record, length) >= 0);
    }

    /**
     * @return the offset of the first whole {@link #SECTOR}-aligned sector of {@code [record,
     *         record + length)} whose bytes are all zero, or -1 if there is none
     */
    public static int zeroSectorIn(ByteBuffer segment, int record, int length) {
        int end = record + length;
        for (int s = (record + SECTOR - 1) & -SECTOR; s + SECTOR <= end; s += SECTOR) {
            if (isZero(segment, s, s + SECTOR)) {
                return s;
            }
        }
        return -1;
    }

    private static boolean isZero(ByteBuffer segment, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            if (segment.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (segment.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
