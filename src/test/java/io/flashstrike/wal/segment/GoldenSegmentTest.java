package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the on-disk format with a committed segment: the verifier must accept it and the writer
 * must reproduce it byte for byte. If this fails, the format changed: that needs a VERSION bump
 * and a FORMAT.md update, not a regenerated golden file.
 *
 * <p>The file was generated once with {@link #main} (argument: the output directory).
 */
class GoldenSegmentTest {
    static final String RESOURCE = "golden/00000000000000000042.wal";
    static final long ID = 42;
    static final int SIZE = 4096;
    static final long BASE_LSN = 1000;
    static final byte[] HELLO = "hello, wal".getBytes(StandardCharsets.US_ASCII);
    static final long PATTERN_SEED = 7;
    /** CRC32C of the golden header bytes [0, 60). */
    static final int HEADER_CRC = 0xC648_D92B;
    /** Chain value after the third record: the seed the next segment would be verified with. */
    static final int LAST_CRC = 0x9E1F_4CF1;

    @TempDir
    Path dir;

    /** The golden segment: three records of different types and sizes, one with an empty payload. */
    static Path writeGolden(Path directory) throws IOException {
        Path file = SegmentFiles.path(directory, ID);
        try (SegmentWriter w = SegmentWriter.create(file, SIZE, ID, BASE_LSN, SegmentLayout.INITIAL_CHAIN_CRC)) {
            w.append(1, ByteBuffer.wrap(HELLO));
            w.append(2, ByteBuffer.allocate(0));
            w.append(0x1234, 100, (lsn, dst, offset, length) -> PayloadPattern.fill(PATTERN_SEED, lsn, dst, offset, length));
        }
        return file;
    }

    static byte[] golden() throws IOException {
        try (InputStream in = GoldenSegmentTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE);
            return in.readAllBytes();
        }
    }

    @Test
    void writerReproducesTheGoldenFileByteForByte() throws Exception {
        assertArrayEquals(golden(), Files.readAllBytes(writeGolden(dir)));
    }

    @Test
    void verifierAcceptsTheGoldenFile() throws Exception {
        ByteBuffer segment = ByteBuffer.wrap(golden()).asReadOnlyBuffer();
        assertEquals(SIZE, segment.remaining());
        SegmentVerification v = new SegmentVerifier().verify(segment, ID, BASE_LSN, SegmentLayout.INITIAL_CHAIN_CRC);
        assertTrue(v.isOk(), v::toString);
        assertEquals(3, v.recordCount());
        assertEquals(1002, v.lastLsn());
        assertEquals(LAST_CRC, v.lastCrc(), () -> Integer.toHexString(v.lastCrc()));
        assertEquals(HEADER_CRC, ByteBuffer.wrap(golden()).order(SegmentLayout.BYTE_ORDER)
                .getInt(SegmentLayout.HEADER_CRC_OFFSET));
        // 64 header + 40 (24 + 10, padded) + 24 + 128 (24 + 100, padded)
        assertEquals(64 + 40 + 24 + 128, v.validEnd());

        SegmentCursor c = new SegmentCursor().reset(segment, v);
        assertTrue(c.next());
        assertEquals(1000, c.lsn());
        assertEquals(1, c.type());
        ByteBuffer hello = ByteBuffer.allocate(HELLO.length);
        c.payload(hello);
        assertArrayEquals(HELLO, hello.array());
        assertTrue(c.next());
        assertEquals(1001, c.lsn());
        assertEquals(2, c.type());
        assertEquals(0, c.payloadLength());
        assertTrue(c.next());
        assertEquals(1002, c.lsn());
        assertEquals(0x1234, c.type());
        assertEquals(-1, PayloadPattern.firstMismatch(PATTERN_SEED, 1002, c.segment(), c.payloadOffset(), 100));
        assertFalse(c.next());
    }

    /**
     * The CRC constants and every stored CRC recomputed from the golden bytes as docs/FORMAT.md
     * section 5 defines them, with {@link CRC32C} and literal offsets from the document: none of
     * the writer's, the verifier's or {@code SegmentLayout}'s code takes part, so a chain rule that
     * changed in all three at once still fails here.
     */
    @Test
    void crcsFollowTheFormatDocumentIndependentlyOfTheCode() throws Exception {
        assertEquals(0xE306_9283, crc32c("123456789".getBytes(StandardCharsets.US_ASCII)), "CRC32C check value");
        ByteBuffer b = ByteBuffer.wrap(golden()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x4745534C41575346L, b.getLong(0), "magic");
        assertEquals(1, b.getInt(8), "version");
        assertEquals(SIZE, b.getInt(12), "segment size");
        assertEquals(ID, b.getLong(16), "segment id");
        assertEquals(BASE_LSN, b.getLong(24), "base LSN");
        assertEquals(0x5EEDF1A5, b.getInt(32), "first segment of a log: INITIAL_CHAIN_CRC");
        int header = crc32c(Arrays.copyOfRange(b.array(), 0, 60));
        assertEquals(header, b.getInt(60), "stored header CRC");
        assertEquals(HEADER_CRC, header, () -> Integer.toHexString(header));
        int seed = header;
        int r = 64;
        int records = 0;
        for (int length = b.getInt(r); length != 0; length = b.getInt(r)) {
            CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, seed));
            crc.update(b.array(), r, 16);
            crc.update(b.array(), r + 20, length - 20);
            int expected = (int) crc.getValue();
            assertEquals(expected, b.getInt(r + 16), "CRC of the record at " + r);
            assertEquals(BASE_LSN + records, b.getLong(r + 8), "LSN of the record at " + r);
            seed = expected;
            records++;
            r += (length + 7) & ~7;
        }
        assertEquals(3, records);
        assertEquals(LAST_CRC, seed, Integer.toHexString(seed));
        for (int i = r; i < SIZE; i++) {
            assertEquals(0, b.get(i), "zero padding at " + i);
        }
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Regenerates the golden file into {@code args[0]}; only for a deliberate format change. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        System.out.println(writeGolden(out));
    }
}
