package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TornTailTest {
    @Test
    void zeroScansFindTheBoundaryAtEveryPosition() {
        for (int size = 0; size <= 40; size++) {
            for (int nz = -1; nz < size; nz++) {
                ByteBuffer b = ByteBuffer.allocate(size);
                if (nz >= 0) {
                    b.put(nz, (byte) 0x10);
                }
                for (int from = 0; from <= size; from++) {
                    int expectedTail = nz >= from ? nz + 1 : from;
                    int expectedFirst = nz >= from ? nz : size;
                    assertEquals(expectedTail, TornTail.zeroTailOffset(b, from), size + "/" + nz + "/" + from);
                    assertEquals(expectedFirst, TornTail.firstNonZero(b, from), size + "/" + nz + "/" + from);
                    assertEquals(nz < from, TornTail.isZeroFrom(b, from));
                }
            }
        }
    }

    @Test
    void tornRecordRunsIntoTheZeroTail() {
        ByteBuffer b = ByteBuffer.allocate(256);
        for (int i = 64; i < 100; i++) {
            b.put(i, (byte) 1);
        }
        assertTrue(TornTail.isTornRecord(b, 64, 64), "claims bytes up to 128, data stops at 100");
        assertFalse(TornTail.isTornRecord(b, 64, 36), "complete: its last byte is non-zero");
        b.put(200, (byte) 1);
        assertFalse(TornTail.isTornRecord(b, 64, 64), "data follows: corruption");
        assertTrue(TornTail.isZeroFrom(b, 300), "past the end: vacuously zero");
    }

    @Test
    void aZeroSectorInsideTheLastRecordIsATornWriteButNotWithDataAfterIt() {
        // a 1500-byte record at 64 covers the whole sectors [512, 1024) and [1024, 1536)
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (int i = 64; i < 64 + 1500; i++) {
            b.put(i, (byte) 1);
        }
        assertEquals(-1, TornTail.zeroSectorIn(b, 64, 1500));
        assertFalse(TornTail.isTornRecord(b, 64, 1500), "whole and complete: a CRC failure here is corruption");
        for (int i = 1024; i < 1536; i++) {
            b.put(i, (byte) 0);
        }
        assertEquals(1024, TornTail.zeroSectorIn(b, 64, 1500));
        assertTrue(TornTail.isTornRecord(b, 64, 1500), "a middle sector never reached the disk, nothing after it");
        b.put(2000, (byte) 1);
        assertFalse(TornTail.isTornRecord(b, 64, 1500), "data after the record: corruption");
        b.put(2000, (byte) 0);
        for (int i = 1024; i < 1536; i++) {
            b.put(i, (byte) 1);
        }
        for (int i = 600; i < 1100; i++) {
            b.put(i, (byte) 0);
        }
        assertEquals(-1, TornTail.zeroSectorIn(b, 64, 1500), "500 zero bytes straddling two sectors are not a sector");
        assertFalse(TornTail.isTornRecord(b, 64, 1500));
    }
}
