package io.flashstrike.wal.segment;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

import static io.flashstrike.wal.segment.SegmentLayout.BASE_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.BYTE_ORDER;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_RESERVED_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.HEADER_SIZE;
import static io.flashstrike.wal.segment.SegmentLayout.MAGIC;
import static io.flashstrike.wal.segment.SegmentLayout.MAGIC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.PREV_CHAIN_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_CRC_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_FLAGS_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LENGTH_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_LSN_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_PAYLOAD_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_RESERVED_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.RECORD_TYPE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_ID_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.SEGMENT_SIZE_OFFSET;
import static io.flashstrike.wal.segment.SegmentLayout.VERSION;
import static io.flashstrike.wal.segment.SegmentLayout.VERSION_OFFSET;

/**
 * Writes one segment file front to back: header, records, zero padding to the segment size.
 *
 * <p>Bytes are assembled in a direct {@link ByteBuffer} (the <em>chunk</em>, which the caller may
 * share across writers) and handed to the {@link FileChannel} one full chunk at a time: large
 * sequential writes, no per-record system call and no per-record allocation. A record is
 * always contiguous in the chunk, so its CRC is computed over the chunk in place.
 *
 * <p>The file is created with {@code CREATE_NEW}: a writer never overwrites an existing segment.
 * Nothing is durable before {@link #finish finish(true)}. Not thread-safe.
 */
public final class SegmentWriter implements Closeable {
    /** Chunk size used when the caller does not supply a chunk. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;
    private static final LongConsumer NO_PROGRESS = bytes -> { };

    /** Writes the payload bytes of one record; see {@link #append(int, int, PayloadWriter)}. */
    @FunctionalInterface
    public interface PayloadWriter {
        /**
         * Writes <em>every</em> byte of {@code dst[offset, offset + length)} with absolute puts.
         * {@code dst} is little-endian; its position and limit must not be changed.
         */
        void write(long lsn, ByteBuffer dst, int offset, int length);
    }

    private final FileChannel channel;
    /** Named in every write error: the channel's own exceptions say only "No space left on device". */
    private final Path file;
    private final int segmentSize;
    private final long segmentId;
    private final LongConsumer onFlush;
    private final SegmentChecksum checksum = new SegmentChecksum();
    private ByteBuffer chunk;
    private ByteBuffer crcView;
    /** Bytes of the segment already handed to the channel. */
    private long flushed;
    /** Bytes assembled in the chunk, not yet written. */
    private int used;
    private long nextLsn;
    private int chainCrc;
    private int recordCount;
    private boolean finished;

    private SegmentWriter(FileChannel channel, Path file, int segmentSize, long segmentId, long baseLsn,
                         int prevChainCrc, ByteBuffer chunk, LongConsumer onFlush) {
        this.channel = channel;
        this.file = file;
        this.segmentSize = segmentSize;
        this.segmentId = segmentId;
        this.onFlush = onFlush;
        this.nextLsn = baseLsn;
        useChunk(chunk);
        ByteBuffer c = this.chunk;
        c.putLong(MAGIC_OFFSET, MAGIC);
        c.putInt(VERSION_OFFSET, VERSION);
        c.putInt(SEGMENT_SIZE_OFFSET, segmentSize);
        c.putLong(SEGMENT_ID_OFFSET, segmentId);
        c.putLong(BASE_LSN_OFFSET, baseLsn);
        c.putInt(PREV_CHAIN_CRC_OFFSET, prevChainCrc);
        zero(HEADER_RESERVED_OFFSET, HEADER_CRC_OFFSET);
        chainCrc = checksum.header(crcView);
        c.putInt(HEADER_CRC_OFFSET, chainCrc);
        used = HEADER_SIZE;
    }

    /** Creates a segment file with a private {@link #DEFAULT_CHUNK_SIZE} chunk (tests, tools). */
    public static SegmentWriter create(Path file, int segmentSize, long segmentId, long baseLsn,
                                       int prevChainCrc) throws IOException {
        int chunkSize = Math.min(segmentSize, DEFAULT_CHUNK_SIZE);
        return create(file, segmentSize, segmentId, baseLsn, prevChainCrc,
                ByteBuffer.allocateDirect(chunkSize), NO_PROGRESS);
    }

    /**
     * Creates a segment file.
     *
     * @param segmentSize  the file size, see {@link SegmentLayout#checkSegmentSize}
     * @param baseLsn      LSN of the first record
     * @param prevChainCrc chain value of the previous segment ({@link #chainCrc()} of its writer,
     *                     {@link SegmentVerification#lastCrc()}), or {@link SegmentLayout#INITIAL_CHAIN_CRC}
     * @param chunk        staging buffer (direct for speed, at least {@link SegmentLayout#HEADER_SIZE}
     *                     bytes); owned by this writer until it is finished. A record larger
     *                     than it makes the writer switch to a private chunk that fits.
     * @param onFlush      told the number of bytes after each write to the file
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public static SegmentWriter create(Path file, int segmentSize, long segmentId, long baseLsn,
                                       int prevChainCrc, ByteBuffer chunk, LongConsumer onFlush)
            throws IOException {
        SegmentLayout.checkSegmentSize(segmentSize);
        if (segmentId < 0 || baseLsn < 0) {
            throw new IllegalArgumentException("negative segment id " + segmentId + " or base LSN " + baseLsn);
        }
        if (chunk.capacity() < HEADER_SIZE) {
            throw new IllegalArgumentException("chunk of " + chunk.capacity() + " bytes is smaller than the header");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new SegmentWriter(channel, file, segmentSize, segmentId, baseLsn, prevChainCrc, chunk, onFlush);
    }

    /** @return {@code true} if a record with this payload length fits in the space left */
    public boolean fits(int payloadLength) {
        return payloadLength >= 0 && position() + SegmentLayout.recordSpan(payloadLength) <= segmentSize;
    }

    /**
     * Appends a record whose payload is the remaining bytes of {@code payload} (its position is
     * not changed). For tests and tools: one copy.
     *
     * @return the record's LSN
     */
    public long append(int type, ByteBuffer payload) throws IOException {
        int at = begin(type, payload.remaining());
        chunk.put(at + RECORD_PAYLOAD_OFFSET, payload, payload.position(), payload.remaining());
        return commit(at, payload.remaining());
    }

    /**
     * Appends a record of {@code payloadLength} bytes written in place by {@code writer}: the
     * generator's path, with no copy and no allocation.
     *
     * @return the record's LSN
     * @throws IllegalStateException    if the record does not fit ({@link #fits})
     * @throws IllegalArgumentException if {@code type} is not a valid record type
     */
    public long append(int type, int payloadLength, PayloadWriter writer) throws IOException {
        int at = begin(type, payloadLength);
        writer.write(nextLsn, chunk, at + RECORD_PAYLOAD_OFFSET, payloadLength);
        return commit(at, payloadLength);
    }

    /** Writes the record header except its CRC; returns the record's offset in the chunk. */
    private int begin(int type, int payloadLength) throws IOException {
        SegmentLayout.checkRecordType(type);
        if (finished) {
            throw new IllegalStateException("segment " + segmentId + " is finished");
        }
        if (!fits(payloadLength)) {
            throw new IllegalStateException("a record with a " + payloadLength + "-byte payload does not fit in segment "
                    + segmentId + ": " + (segmentSize - position()) + " bytes left");
        }
        int span = (int) SegmentLayout.recordSpan(payloadLength);
        if (span > chunk.capacity() - used) {
            flush();
            if (span > chunk.capacity()) {
                useChunk(ByteBuffer.allocateDirect(span));
            }
        }
        int at = used;
        int length = (int) SegmentLayout.recordLength(payloadLength);
        chunk.putInt(at + RECORD_LENGTH_OFFSET, length);
        chunk.putShort(at + RECORD_TYPE_OFFSET, (short) type);
        chunk.putShort(at + RECORD_FLAGS_OFFSET, (short) 0);
        chunk.putLong(at + RECORD_LSN_OFFSET, nextLsn);
        chunk.putInt(at + RECORD_RESERVED_OFFSET, 0);
        zero(at + length, at + span);
        return at;
    }

    /** Checksums the record assembled at {@code at} and advances past it. */
    private long commit(int at, int payloadLength) {
        int length = (int) SegmentLayout.recordLength(payloadLength);
        chainCrc = checksum.record(crcView, at, length, chainCrc);
        chunk.putInt(at + RECORD_CRC_OFFSET, chainCrc);
        used = at + (int) SegmentLayout.recordSpan(payloadLength);
        recordCount++;
        return nextLsn++;
    }

    /**
     * Zero-pads the file to the segment size, writes it out and closes it. Idempotent.
     *
     * @param force {@code true} to fsync the data before closing
     */
    public void finish(boolean force) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try (channel) {
            long left = segmentSize - position();
            while (left > 0) {
                int n = (int) Math.min(left, chunk.capacity() - used);
                zero(used, used + n);
                used += n;
                left -= n;
                flush();
            }
            flush();
            if (force) {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw named(e);
                }
            }
        }
    }

    /** Same as {@link #finish finish(false)}. */
    @Override
    public void close() throws IOException {
        finish(false);
    }

    /** @return the chain value so far: the last record's CRC, or the header CRC if none; seeds the next segment */
    public int chainCrc() {
        return chainCrc;
    }

    /** @return the LSN the next record gets */
    public long nextLsn() {
        return nextLsn;
    }

    /** @return records appended so far */
    public int recordCount() {
        return recordCount;
    }

    /** @return offset in the segment where the next record would start */
    public long position() {
        return flushed + used;
    }

    /** @return the segment id */
    public long segmentId() {
        return segmentId;
    }

    private void flush() throws IOException {
        if (used == 0) {
            return;
        }
        chunk.limit(used).position(0);
        try {
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
        } catch (IOException e) {
            throw named(e);
        }
        chunk.clear();
        flushed += used;
        onFlush.accept(used);
        used = 0;
    }

    /** @return {@code e} as a {@link FileSystemException} naming this segment's file (its reason kept) */
    private IOException named(IOException e) {
        if (e instanceof FileSystemException || e instanceof java.nio.channels.ClosedChannelException) {
            return e;
        }
        FileSystemException n = new FileSystemException(file.toString(), null, e.getMessage());
        n.initCause(e);
        return n;
    }

    private void useChunk(ByteBuffer newChunk) {
        chunk = newChunk.clear().order(BYTE_ORDER);
        crcView = chunk.duplicate().order(BYTE_ORDER);
    }

    /** Zeroes {@code chunk[from, to)}: the chunk is reused, so stale bytes must never leak into padding. */
    private void zero(int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            chunk.putLong(i, 0L);
        }
        for (; i < to; i++) {
            chunk.put(i, (byte) 0);
        }
    }
}
