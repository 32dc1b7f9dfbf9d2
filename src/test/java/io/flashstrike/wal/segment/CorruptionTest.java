package io.flashstrike.wal.segment;

import io.flashstrike.wal.recovery.Outcomes;
import io.flashstrike.wal.recovery.telemetry.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static io.flashstrike.wal.segment.SegmentLayout.BASE_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.MAGIC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.PREV_CHAIN_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LENGTH_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_PAYLOAD_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_TYPE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_ID_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_SIZE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.VERSION_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of damage is reported with its exact reason, offset and LSN, and classified torn
 * tail or corruption. The log: 3 segments of 8 KiB, 63 records of 100 payload bytes each (128
 * bytes with header and padding), LSNs from 1; the damage goes into segment 1 (LSN 64..126),
 * which is verified chained after an intact segment 0.
 */
class CorruptionTest {
    private static final int SEGMENT = 8192;
    private static final int PAYLOAD = 100;
    private static final int SPAN = 128;
    private static final int PER_SEGMENT = 63;

    @TempDir
    Path dir;
    private List<Path> files;
    private List<SegmentVerification> clean;
    private Path seg1;

    @BeforeEach
    void generate() throws Exception {
        WalGenerator.into(dir).segments(3).segmentSize(SEGMENT).payloadSize(PAYLOAD).payloadSeed(1).generate();
        files = SegmentFiles.list(dir);
        seg1 = files.get(1);
        clean = Wal.verifyAll(dir, 1);
        for (SegmentVerification v : clean) {
            assertTrue(v.isOk(), v::toString);
            assertEquals(PER_SEGMENT, v.recordCount());
        }
    }

    /** Offset of record {@code k} in a segment. */
    private static int rec(int k) {
        return HEADER_SIZE + SPAN * k;
    }

    /** LSN of record {@code k} of segment 1. */
    private static long lsn(int k) {
        return 1 + PER_SEGMENT + k;
    }

    private SegmentVerification verifySeg1() {
        return Wal.verify(seg1, clean.get(0));
    }

    /** Asserts the outcome and that the detail names segment, offset and LSN. */
    private static SegmentVerification assertFailure(SegmentVerification v, Reason reason, int offset, long lsn,
                                                     int validRecords) {
        assertEquals(reason, v.reason(), v::toString);
        assertEquals(Outcomes.status(reason), Outcomes.status(v.reason()));
        assertFalse(v.isOk());
        assertEquals(offset, v.failureOffset(), v::toString);
        assertEquals(lsn, v.failureLsn(), v::toString);
        assertEquals(validRecords, v.recordCount(), v::toString);
        assertEquals(lsn - 1, v.lastLsn());
        assertTrue(v.detail().contains("segment 1 (00000000000000000001.wal) offset " + offset + ", LSN " + lsn),
                v.detail());
        assertEquals(Outcomes.status(v.reason()) == Status.TRUNCATED, v.tornTail());
        return v;
    }

    // ---- records ----------------------------------------------------------------------------

    @Test
    void flippedPayloadBitIsChecksumMismatch() {
        Bytes.flip(seg1, rec(5) + RECORD_PAYLOAD_OFFSET + 10, 0x04);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.RECORD_CRC, rec(5), lsn(5), 5);
        assertEquals(Status.CHECKSUM_MISMATCH, Outcomes.status(v.reason()));
        assertFalse(v.tornTail());
        assertFalse(v.tailIsZero());
        assertEquals(rec(5), v.validEnd(), "the valid prefix ends where the damage starts");
    }

    @Test
    void validPrefixOfADamagedSegmentChainsLikeTheIntactOne() {
        Bytes.flip(seg1, rec(5) + RECORD_PAYLOAD_OFFSET, 0x80);
        SegmentVerification damaged = verifySeg1();
        SegmentCursor cursor = new SegmentCursor().reset(Wal.map(seg1), damaged);
        int n = 0;
        while (cursor.next()) {
            n++;
        }
        assertEquals(5, n, "the cursor stops at the verified end");
        // resealing record 5 with the reported chain value makes the segment valid again up to it
        Bytes.reseal(seg1, rec(5), damaged.lastCrc());
        SegmentVerification v = verifySeg1();
        assertEquals(Reason.RECORD_CRC, v.reason(), "record 6 was chained from the original record 5");
        assertEquals(rec(6), v.failureOffset());
    }

    @Test
    void zeroTailFromTheMiddleOfARecordIsATornRecord() {
        Bytes.zero(seg1, rec(20) + 40, SEGMENT);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TORN_RECORD, rec(20), lsn(20), 20);
        assertEquals(Status.TRUNCATED, Outcomes.status(v.reason()));
        assertTrue(v.tornTail());
        assertFalse(v.tailIsZero(), "the torn record's first 40 bytes are there");
        assertEquals(rec(20), v.validEnd());
    }

    @Test
    void zeroHoleWithDataAfterItIsCorruptionNotATornTail() {
        Bytes.zero(seg1, rec(20) + 40, rec(21));
        SegmentVerification v = assertFailure(verifySeg1(), Reason.RECORD_CRC, rec(20), lsn(20), 20);
        assertFalse(v.tornTail());
    }

    @Test
    void headerOnlyTornRecordIsTorn() {
        // only the length reached the disk: the rest of the record and everything after is zero
        Bytes.zero(seg1, rec(30) + RECORD_TYPE_OFFSET, SEGMENT);
        assertFailure(verifySeg1(), Reason.TORN_RECORD, rec(30), lsn(30), 30);
    }

    @Test
    void lostTailAtARecordBoundaryEndsTheSegmentAndBreaksTheChainToTheNext() {
        Bytes.zero(seg1, rec(40), SEGMENT);
        SegmentVerification v = verifySeg1();
        assertTrue(v.isOk(), "a zero length is the end of records: " + v);
        assertEquals(40, v.recordCount());
        assertEquals(lsn(39), v.lastLsn());
        // the next segment was chained from record 62, not 39: the loss is caught there
        SegmentVerification next = Wal.verify(files.get(2), v);
        assertEquals(Reason.BASE_LSN_GAP, next.reason(), next::toString);
        SegmentVerification chainOnly = new SegmentVerifier().verify(Wal.map(files.get(2)), 2, clean.get(1).nextLsn(),
                v.lastCrc());
        assertEquals(Reason.CHAIN_BROKEN, chainOnly.reason(), chainOnly::toString);
        assertEquals(PREV_CHAIN_CRC_OFFSET, chainOnly.failureOffset());
    }

    @Test
    void lengthPastTheSegmentEndIsCorruption() {
        Bytes.putInt(seg1, rec(7) + RECORD_LENGTH_OFFSET, SEGMENT);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.LENGTH_PAST_END, rec(7), lsn(7), 7);
        assertEquals(Status.CORRUPT_RECORD, Outcomes.status(v.reason()));
        assertFalse(v.tornTail());
    }

    @Test
    void lengthShorterThanARecordHeaderIsCorruption() {
        Bytes.putInt(seg1, rec(7) + RECORD_LENGTH_OFFSET, 5);
        assertFailure(verifySeg1(), Reason.BAD_LENGTH, rec(7), lsn(7), 7);
    }

    @Test
    void zeroedLengthWithRecordsAfterItIsDataAfterEnd() {
        Bytes.putInt(seg1, rec(10) + RECORD_LENGTH_OFFSET, 0);
        assertFailure(verifySeg1(), Reason.DATA_AFTER_END, rec(10), lsn(10), 10);
    }

    @Test
    void garbageInThePaddingIsDataAfterEnd() {
        Bytes.flip(seg1, SEGMENT - 3, 0x01);
        assertFailure(verifySeg1(), Reason.DATA_AFTER_END, rec(PER_SEGMENT), lsn(PER_SEGMENT), PER_SEGMENT);
    }

    @Test
    void swappedRecordsAreOutOfSequence() {
        Bytes.swap(seg1, rec(3), rec(4), SPAN);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.LSN_GAP, rec(3), lsn(3), 3);
        assertEquals(Status.OUT_OF_SEQUENCE, Outcomes.status(v.reason()));
        assertTrue(v.detail().contains("carries LSN " + lsn(4)), v.detail());
    }

    @Test
    void duplicatedRecordIsOutOfSequence() {
        Bytes.copy(seg1, rec(3), rec(4), SPAN);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.LSN_GAP, rec(4), lsn(4), 4);
        assertTrue(v.detail().contains("carries LSN " + lsn(3)), v.detail());
    }

    @Test
    void recordSplicedFromAnotherLogIsAChecksumMismatch() throws Exception {
        Path other = dir.resolve("other");
        WalGenerator.into(other).segments(3).segmentSize(SEGMENT).payloadSize(PAYLOAD).payloadSeed(2).generate();
        byte[] foreign = Bytes.read(SegmentFiles.path(other, 1));
        byte[] bytes = Bytes.read(seg1);
        System.arraycopy(foreign, rec(9), bytes, rec(9), SPAN); // same LSN, same place, other chain
        Bytes.write(seg1, bytes);
        assertFailure(verifySeg1(), Reason.RECORD_CRC, rec(9), lsn(9), 9);
    }

    @Test
    void checksummedRecordWithAnLsnGapIsOutOfSequence() {
        Bytes.putLong(seg1, rec(12) + RECORD_LSN_OFFSET, lsn(12) + 1);
        Bytes.reseal(seg1, rec(12), verifyUntil(12));
        SegmentVerification v = assertFailure(verifySeg1(), Reason.LSN_GAP, rec(12), lsn(12), 12);
        assertTrue(v.detail().contains("written out of sequence"), v.detail());
    }

    @Test
    void checksummedRecordWithTypeZeroIsABadType() {
        Bytes.putShort(seg1, rec(12) + RECORD_TYPE_OFFSET, 0);
        Bytes.reseal(seg1, rec(12), verifyUntil(12));
        assertFailure(verifySeg1(), Reason.BAD_TYPE, rec(12), lsn(12), 12);
    }

    /** @return the chain value after record {@code k - 1} of the intact segment 1 */
    private int verifyUntil(int k) {
        Path copy = dir.resolve("prefix");
        byte[] bytes = Bytes.read(files.get(1));
        java.util.Arrays.fill(bytes, rec(k), bytes.length, (byte) 0);
        Bytes.write(copy, bytes);
        SegmentVerification v = new SegmentVerifier().verify(Wal.map(copy), 1, lsn(0), clean.get(0).lastCrc());
        assertEquals(k, v.recordCount());
        return v.lastCrc();
    }

    // ---- truncation -------------------------------------------------------------------------

    @Test
    void fileCutInsideARecordIsTruncated() {
        Bytes.resize(seg1, rec(10) + 50);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TRUNCATED_FILE, rec(10), lsn(10), 10);
        assertTrue(v.tornTail());
        assertFalse(v.tailIsZero());
        assertEquals(rec(10) + 50, v.fileSize());
    }

    @Test
    void fileCutAtARecordBoundaryIsTruncated() {
        Bytes.resize(seg1, rec(10));
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TRUNCATED_FILE, rec(10), lsn(10), 10);
        assertTrue(v.tailIsZero(), "nothing after the failure offset");
    }

    @Test
    void fileCutInsideThePaddingIsTruncatedWithEveryRecordValid() {
        Bytes.resize(seg1, SEGMENT - 32);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TRUNCATED_FILE, rec(PER_SEGMENT),
                lsn(PER_SEGMENT), PER_SEGMENT);
        assertEquals(clean.get(1).lastCrc(), v.lastCrc());
    }

    @Test
    void fileShorterThanTheHeaderIsTruncated() {
        Bytes.resize(seg1, 30);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TRUNCATED_FILE, 0, lsn(0), 0);
        assertEquals(0, v.validEnd());
        assertEquals(clean.get(0).lastCrc(), v.lastCrc(), "nothing consumed: the chain value is the seed");
    }

    @Test
    void emptyFileIsTruncated() {
        Bytes.resize(seg1, 0);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.TRUNCATED_FILE, 0, lsn(0), 0);
        assertTrue(v.tailIsZero());
        assertEquals(0, v.fileSize());
    }

    @Test
    void allZeroFileIsAnUnwrittenHeader() {
        Bytes.write(seg1, new byte[SEGMENT]);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.ZERO_HEADER, 0, lsn(0), 0);
        assertTrue(v.tailIsZero());
        assertTrue(v.tornTail());
    }

    @Test
    void fileLongerThanDeclaredIsABadSegmentSize() {
        Bytes.resize(seg1, SEGMENT + 8);
        assertFailure(verifySeg1(), Reason.BAD_SEGMENT_SIZE, SEGMENT_SIZE_OFFSET, lsn(0), 0);
    }

    // ---- header -----------------------------------------------------------------------------

    @Test
    void flippedMagicIsABadHeader() {
        Bytes.flip(seg1, MAGIC_OFFSET + 2, 0x20);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.BAD_MAGIC, MAGIC_OFFSET, lsn(0), 0);
        assertEquals(Status.BAD_HEADER, Outcomes.status(v.reason()));
        assertFalse(v.tornTail());
    }

    @Test
    void flippedVersionIsABadHeader() {
        Bytes.flip(seg1, VERSION_OFFSET, 0x02);
        assertFailure(verifySeg1(), Reason.BAD_VERSION, VERSION_OFFSET, lsn(0), 0);
    }

    @Test
    void flippedSegmentIdFailsTheHeaderCrc() {
        Bytes.flip(seg1, SEGMENT_ID_OFFSET, 0x01);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.BAD_HEADER_CRC, 0, lsn(0), 0);
        assertEquals(Status.CHECKSUM_MISMATCH, Outcomes.status(v.reason()));
    }

    @Test
    void flippedBaseLsnFailsTheHeaderCrc() {
        Bytes.flip(seg1, BASE_LSN_OFFSET + 1, 0x10);
        assertFailure(verifySeg1(), Reason.BAD_HEADER_CRC, 0, lsn(0), 0);
    }

    @Test
    void flippedHeaderCrcFailsTheHeaderCrc() {
        Bytes.flip(seg1, HEADER_CRC_OFFSET + 3, 0x80);
        assertFailure(verifySeg1(), Reason.BAD_HEADER_CRC, 0, lsn(0), 0);
    }

    @Test
    void segmentUnderAnotherNameHasTheWrongId() throws Exception {
        Path misplaced = SegmentFiles.path(dir.resolve("x"), 1);
        Files.createDirectories(misplaced.getParent());
        Files.copy(files.get(2), misplaced, StandardCopyOption.REPLACE_EXISTING); // segment 2 named 1
        SegmentVerification v = Wal.verify(misplaced, clean.get(0));
        assertFailure(v, Reason.WRONG_SEGMENT_ID, SEGMENT_ID_OFFSET, lsn(0), 0);
        assertTrue(v.detail().contains("header says segment 2"), v.detail());
    }

    @Test
    void baseLsnNotContinuingThePreviousSegmentIsOutOfSequence() {
        SegmentVerification v = new SegmentVerifier().verify(Wal.map(seg1), 1, lsn(0) + 1, clean.get(0).lastCrc());
        assertEquals(Reason.BASE_LSN_GAP, v.reason());
        assertEquals(Status.OUT_OF_SEQUENCE, Outcomes.status(v.reason()));
        assertEquals(BASE_LSN_OFFSET, v.failureOffset());
    }

    @Test
    void segmentFromAnotherChainBreaksTheChain() throws Exception {
        Path other = dir.resolve("other");
        WalGenerator.into(other).segments(3).segmentSize(SEGMENT).payloadSize(PAYLOAD).payloadSeed(2).generate();
        Files.copy(SegmentFiles.path(other, 1), seg1, StandardCopyOption.REPLACE_EXISTING);
        SegmentVerification v = assertFailure(verifySeg1(), Reason.CHAIN_BROKEN, PREV_CHAIN_CRC_OFFSET, lsn(0), 0);
        assertEquals(Status.CHECKSUM_MISMATCH, Outcomes.status(v.reason()));
        assertTrue(new SegmentVerifier().verifyUnanchored(Wal.map(seg1), 1).isOk(), "intact in itself");
    }

    @Test
    void firstSegmentMustChainFromTheInitialValue() {
        SegmentVerification v = new SegmentVerifier().verify(Wal.map(files.get(0)), 0, 1, 0);
        assertEquals(Reason.CHAIN_BROKEN, v.reason());
    }

    @Test
    void anUnanchoredSegmentWithABadHeaderHasNoKnownLsnButItsRecordsDo() {
        Path first = files.get(0);
        Bytes.flip(first, MAGIC_OFFSET, 0x80);
        SegmentVerification header = new SegmentVerifier().verifyUnanchored(Wal.map(first), 0);
        assertEquals(Reason.BAD_MAGIC, header.reason());
        assertEquals(-1, header.failureLsn(), "the base LSN was never read from a trusted header");
        assertTrue(header.detail().contains("offset 0, LSN unknown: BAD_MAGIC"), header.detail());
        Bytes.flip(first, MAGIC_OFFSET, 0x80);
        Bytes.flip(first, rec(5) + RECORD_PAYLOAD_OFFSET, 0x80);
        SegmentVerification record = new SegmentVerifier().verifyUnanchored(Wal.map(first), 0);
        assertEquals(Reason.RECORD_CRC, record.reason());
        assertEquals(6, record.failureLsn(), "from the header's base LSN 1");
    }

    @Test
    void verifierLeavesTheCallersBufferAlone() {
        ByteBuffer mapped = Wal.map(seg1);
        mapped.position(0).limit(SEGMENT);
        new SegmentVerifier().verify(mapped, 1, lsn(0), clean.get(0).lastCrc());
        assertEquals(0, mapped.position());
        assertEquals(SEGMENT, mapped.limit());
        assertEquals(java.nio.ByteOrder.BIG_ENDIAN, mapped.order());
    }
}
