package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-record paths allocate nothing: bytes allocated by verifying or walking a segment must
 * not grow with its record count (a fixed per-segment cost is fine).
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void verifyingAndWalkingDoNotAllocatePerRecord() throws Exception {
        WalGenerator.into(dir).segments(1).segmentSize(1 << 20).payloadSize(8).generate(); // 32766 records
        ByteBuffer segment = Wal.map(SegmentFiles.path(dir, 0));
        SegmentVerifier verifier = new SegmentVerifier();
        SegmentCursor cursor = new SegmentCursor();
        long[] sink = new long[1];
        for (int warm = 0; warm < 5; warm++) {
            verifier.verify(segment, 0, 1, SegmentLayout.INITIAL_CHAIN_CRC);
            walk(cursor, segment, sink);
        }
        long before = allocated();
        SegmentVerification v = verifier.verify(segment, 0, 1, SegmentLayout.INITIAL_CHAIN_CRC);
        long verifyBytes = allocated() - before;
        assertTrue(v.isOk());
        assertEquals(SegmentLayout.recordsPerSegment(1 << 20, 8), v.recordCount());

        cursor.reset(segment, v);
        before = allocated();
        walk(cursor, segment, sink);
        long walkBytes = allocated() - before;

        assertTrue(verifyBytes < 4096, "verify allocated " + verifyBytes + " bytes for " + v.recordCount() + " records");
        assertTrue(walkBytes < 1024, "walk allocated " + walkBytes + " bytes for " + v.recordCount() + " records");
        assertTrue(sink[0] != 0);
    }

    private static void walk(SegmentCursor cursor, ByteBuffer segment, long[] sink) {
        while (cursor.next()) {
            ByteBuffer p = cursor.payloadView();
            sink[0] += cursor.lsn() + cursor.type() + p.getLong(p.position());
        }
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
