package io.flashstrike.wal.segment;

import io.flashstrike.wal.recovery.Outcomes;
import io.flashstrike.wal.recovery.telemetry.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generate, verify, replay: everything the writer writes, the verifier accepts and the cursor returns. */
class RoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} segments of {1} bytes, payload {2}")
    @CsvSource({
            "5, 65536, 100",
            "3, 8192, 0",
            "3, 8192, 1",
            "3, 8192, 7",
            "3, 8192, 8",
            "2, 4096, 4008", // exactly one record fills the segment: 64 + 24 + 4008 = 4096
            "4, 1048576, 65536",
            "1, 64, 0", // header only: no room for any record would be rejected; see below
    })
    void everyRecordComesBackOnceInOrder(int segments, int segmentSize, int payload) throws Exception {
        if (SegmentLayout.recordsPerSegment(segmentSize, payload) < 1) {
            assertThrows(IllegalArgumentException.class, () -> WalGenerator.into(dir).segments(segments)
                    .segmentSize(segmentSize).payloadSize(payload).generate());
            return;
        }
        long seed = 0xC0FFEE;
        List<long[]> progress = new ArrayList<>();
        WalGenerator.Summary summary = WalGenerator.into(dir).segments(segments).segmentSize(segmentSize)
                .payloadSize(payload).firstSegmentId(7).firstLsn(1000).payloadSeed(seed).chunkSize(4096)
                .progress((written, total) -> progress.add(new long[]{written, total}))
                .generate();

        long perSegment = SegmentLayout.recordsPerSegment(segmentSize, payload);
        assertEquals(segments * perSegment, summary.records());
        assertEquals(1000 + summary.records() - 1, summary.lastLsn());
        assertEquals((long) segments * segmentSize, summary.bytes());
        assertProgress(progress, summary.bytes());

        List<Path> files = SegmentFiles.list(dir);
        assertEquals(segments, files.size());
        List<SegmentVerification> results = Wal.verifyAll(dir, 1000);
        SegmentCursor cursor = new SegmentCursor();
        long expectedLsn = 1000;
        for (int s = 0; s < segments; s++) {
            Path file = files.get(s);
            assertEquals(7 + s, SegmentFiles.parseId(file));
            assertEquals(segmentSize, Files.size(file));
            SegmentVerification v = results.get(s);
            assertTrue(v.isOk(), v::toString);
            assertEquals(Status.OK, Outcomes.status(v.reason()));
            assertEquals(Reason.NONE, v.reason());
            assertEquals(perSegment, v.recordCount());
            assertTrue(v.freeBytes() < SegmentLayout.recordSpan(payload), "segment " + s + " is full: " + v);

            ByteBuffer mapped = Wal.map(file);
            cursor.reset(mapped, v);
            int count = 0;
            while (cursor.next()) {
                assertEquals(expectedLsn, cursor.lsn());
                assertEquals(WalGenerator.DEFAULT_RECORD_TYPE, cursor.type());
                assertEquals(payload, cursor.payloadLength());
                assertEquals(-1, PayloadPattern.firstMismatch(seed, cursor.lsn(), cursor.segment(),
                        cursor.payloadOffset(), payload), "payload of LSN " + cursor.lsn());
                expectedLsn++;
                count++;
            }
            assertEquals(v.recordCount(), count);
            assertEquals(v.lastLsn(), expectedLsn - 1);
            assertFalse(cursor.next(), "stays at the end");
        }
        assertEquals(summary.lastLsn(), expectedLsn - 1);
        assertEquals(summary.lastChainCrc(), results.get(segments - 1).lastCrc());
    }

    private static void assertProgress(List<long[]> progress, long total) {
        long last = -1;
        for (long[] p : progress) {
            assertEquals(total, p[1]);
            assertTrue(p[0] >= last && p[0] <= total, "monotonic, within total");
            last = p[0];
        }
        assertEquals(total, last, "ends at the total");
    }

    @Test
    void appendedRecordsOfVaryingSizeAndTypeComeBack() throws Exception {
        Path file = SegmentFiles.path(dir, 3);
        List<byte[]> payloads = new ArrayList<>();
        int[] types = {1, 2, 0xFFFF, 77, 5};
        try (SegmentWriter w = SegmentWriter.create(file, 16384, 3, 50, 0x1234_5678)) {
            for (int i = 0; i < types.length; i++) {
                byte[] p = new byte[i * 37 + (i == 2 ? 0 : 3)];
                for (int j = 0; j < p.length; j++) {
                    p[j] = (byte) (i * 31 + j);
                }
                payloads.add(p);
                assertEquals(50 + i, w.append(types[i], ByteBuffer.wrap(p)));
            }
            assertEquals(55, w.nextLsn());
        }
        SegmentVerification v = new SegmentVerifier().verify(Wal.map(file), 3, 50, 0x1234_5678);
        assertTrue(v.isOk(), v::toString);
        assertEquals(types.length, v.recordCount());
        assertEquals(54, v.lastLsn());

        SegmentCursor cursor = new SegmentCursor().reset(Wal.map(file), v);
        for (int i = 0; i < types.length; i++) {
            assertTrue(cursor.next());
            assertEquals(50 + i, cursor.lsn());
            assertEquals(types[i], cursor.type());
            assertEquals(payloads.get(i).length, cursor.payloadLength());
            assertEquals(0, cursor.payloadOffset() % SegmentLayout.ALIGNMENT, "payloads are 8-byte aligned");
            ByteBuffer copy = ByteBuffer.allocate(cursor.payloadLength());
            cursor.payload(copy);
            assertArrayEquals(payloads.get(i), copy.array());
        }
        assertFalse(cursor.next());
        assertThrows(IllegalStateException.class, cursor::lsn);
    }

    @Test
    void writerRefusesWhatTheFormatCannotHold() throws Exception {
        try (SegmentWriter w = SegmentWriter.create(SegmentFiles.path(dir, 0), 4096, 0, 1,
                SegmentLayout.INITIAL_CHAIN_CRC)) {
            assertThrows(IllegalArgumentException.class, () -> w.append(0, ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> w.append(0x10000, ByteBuffer.allocate(1)));
            assertFalse(w.fits(4096 - 64 - 24 + 1));
            assertTrue(w.fits(4096 - 64 - 24));
            assertThrows(IllegalStateException.class, () -> w.append(1, ByteBuffer.allocate(4096)));
        }
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> SegmentWriter.create(
                SegmentFiles.path(dir, 0), 4096, 0, 1, SegmentLayout.INITIAL_CHAIN_CRC));
        assertThrows(IllegalArgumentException.class, () -> SegmentWriter.create(
                SegmentFiles.path(dir, 1), 4100, 1, 1, SegmentLayout.INITIAL_CHAIN_CRC));
    }

    @Test
    void recordLargerThanTheChunkIsWrittenWhole() throws Exception {
        Path file = SegmentFiles.path(dir, 0);
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        try (SegmentWriter w = SegmentWriter.create(file, 32768, 0, 1, SegmentLayout.INITIAL_CHAIN_CRC,
                ByteBuffer.allocateDirect(4096), bytes -> { })) {
            w.append(2, ByteBuffer.wrap(new byte[100]));
            w.append(3, ByteBuffer.wrap(big));
            w.append(4, ByteBuffer.wrap(new byte[5]));
        }
        SegmentVerification v = Wal.verifyFirst(file, 1);
        assertTrue(v.isOk(), v::toString);
        SegmentCursor c = new SegmentCursor().reset(Wal.map(file), v);
        assertTrue(c.next());
        assertTrue(c.next());
        ByteBuffer copy = ByteBuffer.allocate(big.length);
        c.payload(copy);
        assertArrayEquals(big, copy.array());
        assertTrue(c.next());
        assertEquals(3, c.lsn());
        assertFalse(c.next());
    }

    @Test
    void oldestSegmentVerifiesWithoutItsPredecessor() throws Exception {
        WalGenerator.into(dir).segments(3).segmentSize(8192).payloadSize(100).firstLsn(1).generate();
        List<Path> files = SegmentFiles.list(dir);
        SegmentVerification anchored = Wal.verifyAll(dir, 1).get(2);
        SegmentVerification unanchored = new SegmentVerifier().verifyUnanchored(Wal.map(files.get(2)), 2);
        assertEquals(anchored, unanchored);
    }
}
