package io.flashstrike.wal.stream;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a recording file into its chunks (each self-contained: header, metadata, pools, events). */
final class Chunks {
    private Chunks() {
    }

    /** A chunk starts with "FLR\0", a 2+2-byte version, then its size in bytes (big-endian long). */
    static List<byte[]> split(byte[] file) {
        List<byte[]> chunks = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        int at = 0;
        while (at < file.length) {
            if (b.getInt(at) != 0x464c5200) {
                throw new IllegalArgumentException("no chunk header at " + at);
            }
            int size = Math.toIntExact(b.getLong(at + 8));
            chunks.add(Arrays.copyOfRange(file, at, at + size));
            at += size;
        }
        return chunks;
    }
}
