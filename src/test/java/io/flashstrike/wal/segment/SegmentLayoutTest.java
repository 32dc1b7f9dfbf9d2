package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

import static io.flashstrike.wal.segment.SegmentLayout.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pins the layout: changing any of these numbers is a format change (bump VERSION, update FORMAT.md). */
class SegmentLayoutTest {
    @Test
    void headerFieldsAreWhereFormatMdSaysTheyAre() {
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, VERSION_OFFSET);
        assertEquals(12, SEGMENT_SIZE_OFFSET);
        assertEquals(16, SEGMENT_ID_OFFSET);
        assertEquals(24, BASE_LSN_OFFSET);
        assertEquals(32, PREV_CHAIN_CRC_OFFSET);
        assertEquals(36, HEADER_RESERVED_OFFSET);
        assertEquals(60, HEADER_CRC_OFFSET);
        assertEquals(64, HEADER_SIZE);
    }

    @Test
    void recordFieldsAreWhereFormatMdSaysTheyAre() {
        assertEquals(0, RECORD_LENGTH_OFFSET);
        assertEquals(4, RECORD_TYPE_OFFSET);
        assertEquals(6, RECORD_FLAGS_OFFSET);
        assertEquals(8, RECORD_LSN_OFFSET);
        assertEquals(16, RECORD_CRC_OFFSET);
        assertEquals(20, RECORD_RESERVED_OFFSET);
        assertEquals(24, RECORD_PAYLOAD_OFFSET);
        assertEquals(24, RECORD_HEADER_SIZE);
    }

    @Test
    void magicSpellsFswalsegOnDisk() {
        byte[] bytes = new byte[8];
        ByteBuffer.wrap(bytes).order(BYTE_ORDER).putLong(0, MAGIC);
        assertEquals("FSWALSEG", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void sizesAndAlignment() {
        assertEquals(0, align(0));
        assertEquals(8, align(1));
        assertEquals(8, align(8));
        assertEquals(16, align(9));
        assertEquals(24, recordSpan(0));
        assertEquals(32, recordSpan(1));
        assertEquals(128, recordSpan(100));
        assertEquals(63, recordsPerSegment(8192, 100));
        assertEquals(0, recordsPerSegment(64, 0));
        assertEquals(4096 - 64 - 24, maxPayload(4096));
        assertEquals(4096, checkSegmentSize(4096));
        assertNull(segmentSizeProblem(64));
        assertNull(segmentSizeProblem(MAX_SEGMENT_SIZE));
        assertThrows(IllegalArgumentException.class, () -> checkSegmentSize(63));
        assertThrows(IllegalArgumentException.class, () -> checkSegmentSize(4100));
        assertThrows(IllegalArgumentException.class, () -> checkSegmentSize(1L << 31));
        assertEquals(1, checkRecordType(1));
        assertEquals(0xFFFF, checkRecordType(0xFFFF));
        assertThrows(IllegalArgumentException.class, () -> checkRecordType(0));
        assertThrows(IllegalArgumentException.class, () -> checkRecordType(0x10000));
    }
}
