package io.flashstrike.wal.segment;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.flashstrike.wal.segment.SegmentLayout.HEADER_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_RESERVED_OFFSET;

/**
 * The header CRC and the chained record CRC, shared by writer and verifier so both compute
 * exactly the same thing.
 *
 * <p>{@link CRC32C} cannot be started from an arbitrary value, so the chain is built by
 * <em>feeding</em> the previous CRC (4 bytes, little-endian) before the record bytes: the result
 * depends on the seed, on every covered byte and on their order, which is all the chain needs.
 *
 * <p>Not thread-safe (one reusable {@link CRC32C}); allocation-free. The buffers passed in are
 * scratch views: their position and limit are changed.
 */
public final class SegmentChecksum {
    private final CRC32C crc = new CRC32C();

    /**
     * @param view a view of the segment whose index 0 is the segment start (position/limit clobbered)
     * @return the CRC32C of header bytes {@code [0, HEADER_CRC_OFFSET)}
     */
    public int header(ByteBuffer view) {
        crc.reset();
        update(view, 0, HEADER_CRC_OFFSET);
        return (int) crc.getValue();
    }

    /**
     * @param view   a view of the segment (position/limit clobbered)
     * @param record offset of the record start in {@code view}
     * @param length the record's {@code LENGTH} field (at least the record header size)
     * @param seed   CRC of the previous record, or the header CRC for a segment's first record
     * @return the record's chained CRC32C
     */
    public int record(ByteBuffer view, int record, int length, int seed) {
        crc.reset();
        crc.update(seed);
        crc.update(seed >>> 8);
        crc.update(seed >>> 16);
        crc.update(seed >>> 24);
        update(view, record, record + RECORD_CRC_OFFSET);
        update(view, record + RECORD_RESERVED_OFFSET, record + length);
        return (int) crc.getValue();
    }

    private void update(ByteBuffer view, int from, int to) {
        view.limit(to);
        view.position(from);
        crc.update(view);
    }
}
