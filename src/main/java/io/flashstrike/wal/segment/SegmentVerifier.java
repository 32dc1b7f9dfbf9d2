package io.flashstrike.wal.segment;

import java.nio.ByteBuffer;

import static io.flashstrike.wal.segment.SegmentLayout.BASE_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.BYTE_ORDER;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.MAGIC;
import static io.flashstrike.wal.segment.SegmentLayout.MAGIC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.PREV_CHAIN_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LENGTH_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_TYPE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_ID_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_SIZE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.VERSION;
import static io.flashstrike.wal.segment.SegmentLayout.VERSION_OFFSET;

/**
 * Verifies one whole segment: the header against what the previous segment implies, then every
 * record in order (length bounds, chained CRC, consecutive LSN, type), then that the padding
 * after the last record is zero. This is the preloader's check; the replay thread then walks the
 * valid prefix with a {@link SegmentCursor} without checking again.
 *
 * <p>Verification stops at the first failure and reports it with a {@link Reason}, the offset and
 * LSN, and whether it looks like a torn tail ({@link TornTail} decides). Policy (torn tail in the
 * newest segment = end of log) is the caller's.
 *
 * <p>Usage across a log: verify segment {@code k} with the {@link SegmentVerification#nextLsn()}
 * and {@link SegmentVerification#lastCrc()} of segment {@code k-1}; the first segment of a log with
 * its base LSN and {@link SegmentLayout#INITIAL_CHAIN_CRC}.
 *
 * <p>Reusable and not thread-safe: one instance per verifying thread. Allocation per segment is a
 * few objects (views and the result); none per record. The buffer is read with absolute gets
 * only; its position, limit and byte order are left alone.
 */
public final class SegmentVerifier {
    private final SegmentChecksum checksum = new SegmentChecksum();
    // state of the verification in progress
    private ByteBuffer seg;
    private ByteBuffer crcView;
    private long id;
    private int fileSize;
    private int segmentSize;
    private int recordCount;
    private int validEnd;
    private long lastLsn;
    private int lastCrc;
    /** False while an unanchored segment's base LSN has not been read from a trusted header. */
    private boolean lsnKnown;

    /**
     * @param segment           the whole segment file, from its position to its limit (typically
     *                          a read-only {@link java.nio.MappedByteBuffer}); not modified
     * @param expectedId        the segment id the file name promises
     * @param expectedBaseLsn   LSN its first record must carry (the previous segment's next LSN)
     * @param expectedChainSeed the previous segment's chain value, or {@link SegmentLayout#INITIAL_CHAIN_CRC}
     */
    public SegmentVerification verify(ByteBuffer segment, long expectedId, long expectedBaseLsn, int expectedChainSeed) {
        return run(segment, expectedId, expectedBaseLsn, expectedChainSeed, true);
    }

    /**
     * Verifies a segment whose predecessor is gone (the oldest one kept after the log was
     * trimmed): base LSN and chain seed are taken from its own, CRC-checked, header. If the header
     * fails, {@code lastLsn} and {@code lastCrc} of the result carry no information.
     */
    public SegmentVerification verifyUnanchored(ByteBuffer segment, long expectedId) {
        return run(segment, expectedId, 0, SegmentLayout.INITIAL_CHAIN_CRC, false);
    }

    private SegmentVerification run(ByteBuffer segment, long expectedId, long baseLsn, int seed, boolean anchored) {
        seg = segment.slice().order(BYTE_ORDER);
        crcView = seg.duplicate().order(BYTE_ORDER);
        id = expectedId;
        fileSize = seg.limit();
        segmentSize = 0;
        recordCount = 0;
        validEnd = 0;
        lastLsn = baseLsn - 1;
        lastCrc = seed;
        lsnKnown = anchored;
        try {
            SegmentVerification failure = header(baseLsn, seed, anchored);
            return failure != null ? failure : records();
        } finally {
            seg = null; // do not keep the caller's mapping reachable
            crcView = null;
        }
    }

    /** @return the failure, or {@code null} with the state set up for the records */
    private SegmentVerification header(long baseLsn, int seed, boolean anchored) {
        if (fileSize < HEADER_SIZE) {
            return fail(Reason.TRUNCATED_FILE, 0, "the file is " + fileSize + " bytes, shorter than the "
                    + HEADER_SIZE + "-byte header");
        }
        long magic = seg.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            if (TornTail.isZeroFrom(seg, 0)) {
                return fail(Reason.ZERO_HEADER, 0, "the header and all " + fileSize
                        + " bytes are zero: created but never written");
            }
            return fail(Reason.BAD_MAGIC, MAGIC_OFFSET, "magic is " + hex(magic) + ", not " + hex(MAGIC) + " (FSWALSEG)");
        }
        int version = seg.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            return fail(Reason.BAD_VERSION, VERSION_OFFSET, "format version " + Integer.toUnsignedString(version)
                    + " is not the supported " + VERSION);
        }
        int stored = seg.getInt(HEADER_CRC_OFFSET);
        int computed = checksum.header(crcView);
        if (stored != computed) {
            return fail(Reason.BAD_HEADER_CRC, 0, "header CRC is " + hex(stored) + ", computed " + hex(computed));
        }
        long declared = Integer.toUnsignedLong(seg.getInt(SEGMENT_SIZE_OFFSET));
        String problem = SegmentLayout.segmentSizeProblem(declared);
        if (problem == null && fileSize > declared) {
            problem = "the file is " + fileSize + " bytes, longer than the declared segment size " + declared;
        }
        if (problem != null) {
            return fail(Reason.BAD_SEGMENT_SIZE, SEGMENT_SIZE_OFFSET, problem);
        }
        segmentSize = (int) declared;
        long headerId = seg.getLong(SEGMENT_ID_OFFSET);
        if (headerId != id) {
            return fail(Reason.WRONG_SEGMENT_ID, SEGMENT_ID_OFFSET, "header says segment " + headerId);
        }
        long headerBase = seg.getLong(BASE_LSN_OFFSET);
        if (!anchored) {
            lastLsn = headerBase - 1;
            lsnKnown = true;
        } else if (headerBase != baseLsn) {
            return fail(Reason.BASE_LSN_GAP, BASE_LSN_OFFSET, "header base LSN is " + headerBase
                    + ", the previous segment ends at " + (baseLsn - 1));
        }
        int prevChain = seg.getInt(PREV_CHAIN_CRC_OFFSET);
        if (anchored && prevChain != seed) {
            return fail(Reason.CHAIN_BROKEN, PREV_CHAIN_CRC_OFFSET, "header chains from " + hex(prevChain)
                    + ", the previous segment ends with " + hex(seed) + " (another log, or a lost tail)");
        }
        lastCrc = computed;
        validEnd = HEADER_SIZE;
        return null;
    }

    private SegmentVerification records() {
        int r = HEADER_SIZE;
        while (r < segmentSize) {
            if (r + Integer.BYTES > fileSize) {
                return fail(Reason.TRUNCATED_FILE, r, "the file ends at " + fileSize + ", before the record at "
                        + r + " (declared segment size " + segmentSize + ")");
            }
            long length = Integer.toUnsignedLong(seg.getInt(r + RECORD_LENGTH_OFFSET));
            if (length == 0) {
                return endOfRecords(r);
            }
            if (length < RECORD_HEADER_SIZE) {
                return fail(Reason.BAD_LENGTH, r, "record length " + length + " is shorter than the "
                        + RECORD_HEADER_SIZE + "-byte record header");
            }
            if (r + length > segmentSize) {
                return fail(Reason.LENGTH_PAST_END, r, "record length " + length + " runs to " + (r + length)
                        + ", past the segment end " + segmentSize);
            }
            if (r + length > fileSize) {
                return fail(Reason.TRUNCATED_FILE, r, "record length " + length + " runs to " + (r + length)
                        + ", past the end of the file at " + fileSize);
            }
            long expectedLsn = lastLsn + 1;
            long lsn = seg.getLong(r + RECORD_LSN_OFFSET);
            int stored = seg.getInt(r + RECORD_CRC_OFFSET);
            int computed = checksum.record(crcView, r, (int) length, lastCrc);
            if (stored != computed) {
                String crcs = "record CRC is " + hex(stored) + ", computed " + hex(computed) + " chained from " + hex(lastCrc);
                if (TornTail.isTornRecord(seg, r, (int) length)) {
                    int z = TornTail.zeroTailOffset(seg, r);
                    return fail(Reason.TORN_RECORD, r, crcs + (z < r + length
                            ? "; its " + length + " bytes run into the zero tail at " + z + ": an interrupted append"
                            : "; the sector at " + TornTail.zeroSectorIn(seg, r, (int) length) + " inside it is zero"
                            + " and nothing is written after it: an interrupted append persisted out of order"));
                }
                if (lsn != expectedLsn) {
                    return fail(Reason.LSN_GAP, r, "record carries LSN " + lsn + " and " + crcs
                            + ": reordered, duplicated or spliced");
                }
                return fail(Reason.RECORD_CRC, r, crcs + "; written (non-zero) data runs to " + TornTail.zeroTailOffset(seg, r)
                        + " and the record ends at " + (r + length) + ": not a torn append");
            }
            if (lsn != expectedLsn) {
                return fail(Reason.LSN_GAP, r, "checksummed record carries LSN " + lsn + ": written out of sequence");
            }
            if (seg.getShort(r + RECORD_TYPE_OFFSET) == 0) {
                return fail(Reason.BAD_TYPE, r, "checksummed record has the reserved type 0");
            }
            recordCount++;
            lastLsn = lsn;
            lastCrc = computed;
            r = (int) SegmentLayout.align(r + length);
            validEnd = r;
        }
        return endOfRecords(r);
    }

    /** Records end at {@code r} (zero length or segment end): the rest must be zero and present. */
    private SegmentVerification endOfRecords(int r) {
        int nonZero = TornTail.firstNonZero(seg, r);
        if (nonZero < fileSize) {
            return fail(Reason.DATA_AFTER_END, r, "records end here (zero length) but byte " + nonZero
                    + " is " + hex(seg.get(nonZero) & 0xFF) + ": a zeroed length, or garbage in the padding");
        }
        if (fileSize < segmentSize) {
            return fail(Reason.TRUNCATED_FILE, r, "the file ends at " + fileSize + ", before the declared segment size "
                    + segmentSize + " (the records before it are intact)");
        }
        return new SegmentVerification(id, Reason.NONE, recordCount, validEnd, lastLsn, lastCrc,
                -1, -1, true, segmentSize, fileSize, "ok");
    }

    private SegmentVerification fail(Reason reason, int offset, String what) {
        long lsn = lsnKnown ? lastLsn + 1 : -1;
        String detail = "segment " + id + " (" + (id >= 0 ? SegmentFiles.fileName(id) : "?") + ") offset " + offset
                + ", LSN " + (lsnKnown ? Long.toString(lsn) : "unknown") + ": " + reason + ": " + what;
        return new SegmentVerification(id, reason, recordCount, validEnd, lastLsn, lastCrc, offset,
                lsn, TornTail.isZeroFrom(seg, offset), segmentSize, fileSize, detail);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
