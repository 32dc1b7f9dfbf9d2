package io.flashstrike.wal.recovery;

import io.flashstrike.wal.segment.SegmentCursor;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.SegmentLayout;
import io.flashstrike.wal.segment.WalGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Real WAL directories for tests, and the real-file damage done to them. The layout of the log as
 * generated (record offsets and LSNs of every segment) is kept, so a test can name a record after
 * the damage has made it unreadable.
 */
public final class WalFixture {
    public static final int SEGMENT_SIZE = 64 << 10;
    public static final int PAYLOAD = 200;

    public final Path dir;
    public final WalGenerator.Summary summary;
    public final int segmentSize;
    public final int payload;
    public final long payloadSeed;
    private final List<List<Integer>> offsets = new ArrayList<>();
    private final List<Long> firstLsns = new ArrayList<>();

    private WalFixture(Path dir, WalGenerator.Summary summary, int segmentSize, int payload, long payloadSeed)
            throws IOException {
        this.dir = dir;
        this.summary = summary;
        this.segmentSize = segmentSize;
        this.payload = payload;
        this.payloadSeed = payloadSeed;
        long lsn = summary.firstLsn();
        for (int i = 0; i < summary.segments(); i++) {
            List<Integer> o = recordOffsets(i);
            offsets.add(List.copyOf(o));
            firstLsns.add(lsn);
            lsn += o.size();
        }
    }

    public static WalFixture generate(Path dir, int segments) throws IOException {
        return generate(dir, segments, SEGMENT_SIZE, PAYLOAD, 0);
    }

    /** A log of {@code segments} full segments of {@code segmentSize} bytes, records of {@code payload} bytes, LSNs from 1. */
    public static WalFixture generate(Path dir, int segments, int segmentSize, int payload, long payloadSeed)
            throws IOException {
        return new WalFixture(dir, WalGenerator.into(dir).segments(segments).segmentSize(segmentSize)
                .payloadSize(payload).payloadSeed(payloadSeed).generate(), segmentSize, payload, payloadSeed);
    }

    /** @return the file of the {@code index}-th segment as listed now (indices shift when a file is gone) */
    public Path segment(int index) throws IOException {
        return SegmentFiles.list(dir).get(index);
    }

    /** @return the file of the {@code index}-th segment as generated, whether or not it still exists */
    public Path path(int index) {
        return SegmentFiles.path(dir, summary.firstSegmentId() + index);
    }

    /** @return the id of the {@code index}-th segment as generated */
    public long id(int index) {
        return summary.firstSegmentId() + index;
    }

    public int segments() {
        return summary.segments();
    }

    /** @return offset of record {@code k} of segment {@code index}, as generated */
    public int offset(int index, int k) {
        return offsets.get(index).get(k);
    }

    /** @return end of the records of segment {@code index}, as generated (where its zero padding starts) */
    public int recordsEnd(int index) {
        return offset(index, records(index) - 1) + (int) SegmentLayout.recordSpan(payload);
    }

    /** @return LSN of record {@code k} of segment {@code index}, as generated; {@code k} may be one past the last */
    public long lsn(int index, int k) {
        return firstLsns.get(index) + k;
    }

    /** @return records of segment {@code index}, as generated */
    public int records(int index) {
        return offsets.get(index).size();
    }

    /** @return span of one record in the file (header, payload, padding) */
    public int recordSpan() {
        return (int) SegmentLayout.recordSpan(payload);
    }

    /** @return offsets of every record in segment {@code index}, read from the file as it is now */
    List<Integer> recordOffsets(int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment(index)));
        SegmentCursor c = new SegmentCursor().reset(b, b.limit());
        List<Integer> offsets = new ArrayList<>();
        while (c.next()) {
            offsets.add(c.recordOffset());
        }
        return offsets;
    }

    int recordsIn(int index) throws IOException {
        return recordOffsets(index).size();
    }

    /** XORs one byte of segment {@code index} at {@code offset} with {@code mask}. */
    public void flip(int index, long offset, int mask) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.flip();
            byte v = (byte) (one.get(0) ^ mask);
            ch.write(ByteBuffer.wrap(new byte[] {v}), offset);
        }
    }

    public byte byteAt(int index, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            return one.get(0);
        }
    }

    public void truncate(int index, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Zeroes bytes {@code [from, end of file)} of segment {@code index}, keeping its size. */
    public void zeroFrom(int index, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ch.write(ByteBuffer.allocate((int) (size - from)), from);
        }
    }

    /** Zeroes bytes {@code [from, to)} of segment {@code index}. */
    public void zero(int index, long from, long to) throws IOException {
        write(index, from, new byte[(int) (to - from)]);
    }

    /** Extends segment {@code index} with zeros to {@code size} bytes (a file system's truncate-then-extend). */
    public void extend(int index, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.WRITE)) {
            long from = ch.size();
            if (size > from) {
                ch.write(ByteBuffer.allocate((int) (size - from)), from);
            }
        }
    }

    /** Writes {@code bytes} at {@code offset} of segment {@code index}. */
    public void write(int index, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        }
    }

    /** Writes a little-endian int at {@code offset} of segment {@code index}. */
    public void putInt(int index, long offset, int value) throws IOException {
        write(index, offset, ByteBuffer.allocate(Integer.BYTES).order(SegmentLayout.BYTE_ORDER).putInt(0, value).array());
    }

    /** @return {@code length} bytes of segment {@code index} from {@code offset} */
    public byte[] read(int index, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
                // until full or end of file
            }
            return b.array();
        }
    }
}
