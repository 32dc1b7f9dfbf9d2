package io.flashstrike.wal.segment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Deterministic payload content for generated WALs: a function of (seed, LSN, byte index), so a
 * test or a replay check can tell whether every record carries its own bytes without storing
 * them. Different seeds give different logs with the same shape (different checksum chains).
 *
 * <p>Definition: word {@code i} (bytes {@code 8i .. 8i+7}, little-endian) is
 * {@code mix(start + (i + 1) * GOLDEN)} with {@code start = seed ^ (lsn * GOLDEN)} and
 * {@code mix} the SplitMix64 finalizer; a trailing partial word takes the low bytes of the next
 * word. Cheap enough (one multiply-xorshift per 8 bytes) to fill a gibibyte in a fraction of a second.
 */
public final class PayloadPattern {
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private PayloadPattern() {
    }

    /**
     * Writes the pattern of {@code lsn} into {@code dst[offset, offset + length)} with absolute puts
     * (position and limit unchanged). Allocation-free.
     */
    public static void fill(long seed, long lsn, ByteBuffer dst, int offset, int length) {
        boolean swap = dst.order() != ByteOrder.LITTLE_ENDIAN;
        long state = seed ^ (lsn * GOLDEN);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            state += GOLDEN;
            long w = mix(state);
            dst.putLong(offset + i, swap ? Long.reverseBytes(w) : w);
        }
        if (i < length) {
            long w = mix(state + GOLDEN);
            for (; i < length; i++, w >>>= 8) {
                dst.put(offset + i, (byte) w);
            }
        }
    }

    /**
     * @return the index (relative to {@code offset}) of the first byte of {@code src[offset,
     *         offset + length)} that differs from the pattern of {@code lsn}, or -1 if all match
     */
    public static int firstMismatch(long seed, long lsn, ByteBuffer src, int offset, int length) {
        boolean swap = src.order() != ByteOrder.LITTLE_ENDIAN;
        long state = seed ^ (lsn * GOLDEN);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            state += GOLDEN;
            long w = mix(state);
            long got = src.getLong(offset + i);
            long diff = (swap ? Long.reverseBytes(got) : got) ^ w;
            if (diff != 0) {
                return i + Long.numberOfTrailingZeros(diff) / Byte.SIZE;
            }
        }
        if (i < length) {
            long w = mix(state + GOLDEN);
            for (; i < length; i++, w >>>= 8) {
                if (src.get(offset + i) != (byte) w) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** SplitMix64's finalizer: a bijective 64-bit mix with good avalanche. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
