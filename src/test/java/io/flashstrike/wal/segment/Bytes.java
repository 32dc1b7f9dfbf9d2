package io.flashstrike.wal.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Small file surgery for corruption tests: read the whole file, change bytes, write it back. */
final class Bytes {
    private Bytes() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** XORs {@code mask} into the byte at {@code offset}. */
    static void flip(Path file, int offset, int mask) {
        byte[] b = read(file);
        b[offset] ^= (byte) mask;
        write(file, b);
    }

    /** Sets bytes {@code [from, to)} to zero. */
    static void zero(Path file, int from, int to) {
        byte[] b = read(file);
        Arrays.fill(b, from, to, (byte) 0);
        write(file, b);
    }

    /** Copies {@code length} bytes of the file from {@code from} to {@code to} (in place). */
    static void copy(Path file, int from, int to, int length) {
        byte[] b = read(file);
        System.arraycopy(b, from, b, to, length);
        write(file, b);
    }

    /** Exchanges two equally long regions of the file. */
    static void swap(Path file, int a, int b, int length) {
        byte[] bytes = read(file);
        byte[] tmp = Arrays.copyOfRange(bytes, a, a + length);
        System.arraycopy(bytes, b, bytes, a, length);
        System.arraycopy(tmp, 0, bytes, b, length);
        write(file, bytes);
    }

    /** Cuts the file to {@code size} bytes, or extends it with zeros. */
    static void resize(Path file, int size) {
        write(file, Arrays.copyOf(read(file), size));
    }

    /** Writes a little-endian int at {@code offset}. */
    static void putInt(Path file, int offset, int value) {
        byte[] b = read(file);
        ByteBuffer.wrap(b).order(SegmentLayout.BYTE_ORDER).putInt(offset, value);
        write(file, b);
    }

    /** Writes a little-endian short at {@code offset}. */
    static void putShort(Path file, int offset, int value) {
        byte[] b = read(file);
        ByteBuffer.wrap(b).order(SegmentLayout.BYTE_ORDER).putShort(offset, (short) value);
        write(file, b);
    }

    /** Writes a little-endian long at {@code offset}. */
    static void putLong(Path file, int offset, long value) {
        byte[] b = read(file);
        ByteBuffer.wrap(b).order(SegmentLayout.BYTE_ORDER).putLong(offset, value);
        write(file, b);
    }

    /**
     * Recomputes the CRC of the record at {@code record} as if chained from {@code seed}: forges
     * a record that is internally consistent, to reach the checks after the CRC.
     */
    static void reseal(Path file, int record, int seed) {
        byte[] b = read(file);
        ByteBuffer view = ByteBuffer.wrap(b).order(SegmentLayout.BYTE_ORDER);
        int length = view.getInt(record + SegmentLayout.RECORD_LENGTH_OFFSET);
        int crc = new SegmentChecksum().record(view.duplicate().order(SegmentLayout.BYTE_ORDER), record, length, seed);
        view.putInt(record + SegmentLayout.RECORD_CRC_OFFSET, crc);
        write(file, b);
    }
}
