package io.flashstrike.wal.recovery;

import io.flashstrike.wal.segment.SegmentCursor;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Real WAL directories for tests, and the real-file damage done to them. */
final class WalFixture {
    static final int SEGMENT_SIZE = 64 << 10;
    static final int PAYLOAD = 200;

    final Path dir;
    final WalGenerator.Summary summary;

    private WalFixture(Path dir, WalGenerator.Summary summary) {
        this.dir = dir;
        this.summary = summary;
    }

    static WalFixture generate(Path dir, int segments) throws IOException {
        return new WalFixture(dir, WalGenerator.into(dir).segments(segments).segmentSize(SEGMENT_SIZE)
                .payloadSize(PAYLOAD).generate());
    }

    Path segment(int index) throws IOException {
        return SegmentFiles.list(dir).get(index);
    }

    /** @return offsets of every record in segment {@code index}, in order */
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
    void flip(int index, long offset, int mask) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(index), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.flip();
            byte v = (byte) (one.get(0) ^ mask);
            ch.write(ByteBuffer.wrap(new byte[] {v}), offset);
        }
    }

    byte byteAt(int index, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(index), StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            return one.get(0);
        }
    }

    void truncate(int index, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(index), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Zeroes bytes {@code [from, end of file)} of segment {@code index}, keeping its size. */
    void zeroFrom(int index, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(index), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ch.write(ByteBuffer.allocate((int) (size - from)), from);
        }
    }
}
