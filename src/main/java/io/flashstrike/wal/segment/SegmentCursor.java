package io.flashstrike.wal.segment;

import java.nio.ByteBuffer;

import static io.flashstrike.wal.segment.SegmentLayout.BYTE_ORDER;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LENGTH_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_PAYLOAD_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_TYPE_OFFSET;

/**
 * Walks the records of an <em>already verified</em> segment, for the replay thread. It trusts the
 * bytes: no CRC, no LSN check, only the bound given by {@link SegmentVerification#validEnd()}, so a
 * torn or corrupt tail the verifier stopped at is never reached.
 *
 * <p>Zero allocation per record: {@link #next()} reads the record header into fields, and the
 * payload is reached through {@link #payloadView()} (one view, repositioned per record), a copy
 * into a caller's buffer ({@link #payload(ByteBuffer)}), or absolute reads on {@link #segment()}
 * at {@link #payloadOffset()}. {@link #reset} binds the cursor to another segment (two small
 * views per segment). Not thread-safe.
 * <pre>
 * SegmentCursor cursor = new SegmentCursor();
 * cursor.reset(mapped, verification);
 * while (cursor.next()) {
 *     apply(cursor.lsn(), cursor.type(), cursor.payloadView());
 * }
 * </pre>
 */
public final class SegmentCursor {
    private ByteBuffer seg;
    private ByteBuffer payload;
    private int end;
    private int next;
    private int record = -1;
    private int length;
    private int type;
    private long lsn;

    /**
     * Binds to a verified segment and positions before its first record.
     *
     * @param segment  the same buffer that was verified (from its position to its limit)
     * @param verified its verification: only its valid prefix is walked, even if it failed later
     */
    public SegmentCursor reset(ByteBuffer segment, SegmentVerification verified) {
        return reset(segment, verified.validEnd());
    }

    /**
     * Binds to a segment whose records up to {@code validEnd} were verified.
     *
     * @throws IllegalArgumentException if {@code validEnd} lies outside the buffer
     */
    public SegmentCursor reset(ByteBuffer segment, int validEnd) {
        ByteBuffer view = segment.slice().order(BYTE_ORDER);
        if (validEnd < 0 || validEnd > view.limit()) {
            throw new IllegalArgumentException("valid end " + validEnd + " is outside the " + view.limit() + "-byte segment");
        }
        seg = view;
        payload = view.duplicate().order(BYTE_ORDER);
        end = validEnd;
        next = HEADER_SIZE;
        record = -1;
        return this;
    }

    /**
     * Advances to the next record.
     *
     * @return {@code false} at the end of the valid records (the cursor then has no current record)
     */
    public boolean next() {
        if (seg == null || next + RECORD_HEADER_SIZE > end) {
            record = -1;
            return false;
        }
        int at = next;
        int len = seg.getInt(at + RECORD_LENGTH_OFFSET);
        if (len < RECORD_HEADER_SIZE || len > end - at) {
            // cannot happen below a verifier's validEnd; do not walk into garbage if it does
            record = -1;
            next = end;
            return false;
        }
        record = at;
        length = len;
        type = Short.toUnsignedInt(seg.getShort(at + RECORD_TYPE_OFFSET));
        lsn = seg.getLong(at + RECORD_LSN_OFFSET);
        next = (int) SegmentLayout.align(at + len);
        return true;
    }

    /** @return the current record's LSN */
    public long lsn() {
        check();
        return lsn;
    }

    /** @return the current record's type */
    public int type() {
        check();
        return type;
    }

    /** @return the current record's payload length in bytes */
    public int payloadLength() {
        check();
        return length - RECORD_HEADER_SIZE;
    }

    /** @return offset of the current record in the segment */
    public int recordOffset() {
        check();
        return record;
    }

    /** @return offset of the current record's payload in {@link #segment()} */
    public int payloadOffset() {
        check();
        return record + RECORD_PAYLOAD_OFFSET;
    }

    /**
     * @return the current payload as a little-endian view of the segment: position at
     *         {@link #payloadOffset()}, limit at the payload's end (absolute indexes are segment
     *         offsets). The same object for every record, repositioned by each call: valid until
     *         the next call, {@link #next()} or {@link #reset}
     */
    public ByteBuffer payloadView() {
        int from = payloadOffset();
        payload.limit(record + length);
        payload.position(from);
        return payload;
    }

    /**
     * Copies the current payload into {@code dst} at its position, advancing it.
     *
     * @throws java.nio.BufferOverflowException if {@code dst} has less room than the payload
     */
    public void payload(ByteBuffer dst) {
        dst.put(payloadView());
    }

    /** @return the segment as a zero-based little-endian view, for absolute reads; do not change its limit */
    public ByteBuffer segment() {
        return seg;
    }

    private void check() {
        if (record < 0) {
            throw new IllegalStateException("no current record: call next() first and only while it returns true");
        }
    }
}
