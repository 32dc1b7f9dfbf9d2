package io.flashstrike.wal.recovery.telemetry;

/**
 * Bucket math of the latency distribution: log-linear, as in HdrHistogram.
 *
 * <p>Values below 256 ns have a bucket each. Above, every power-of-two range {@code [2^k, 2^(k+1))}
 * is split into 128 equal sub-buckets, so a bucket is never wider than 1/128 of its lowest value:
 * any value reported from a bucket is within <b>0.79 %</b> (relative) of the value recorded. The
 * whole non-negative {@code long} range is covered by {@value #BUCKET_COUNT} buckets (57 KiB of
 * counters), fixed at construction: recording never allocates and never overflows the range.
 *
 * <pre>
 *   index = shift * 128 + (v >>> shift)   where shift = max(0, floor(log2 v) - 7)
 * </pre>
 * One {@code numberOfLeadingZeros}, one shift, one add: no branch, no loop, no division.
 */
final class LogLinearBuckets {
    /** Sub-buckets per power of two. */
    static final int SUB_BUCKETS = 128;
    private static final int SUB_BITS = 7;
    /** OR-ing this in makes every value below 256 land in shift 0, its own bucket. */
    private static final long LINEAR_MASK = 2L * SUB_BUCKETS - 1;
    static final int BUCKET_COUNT = indexOf(Long.MAX_VALUE) + 1;

    private LogLinearBuckets() {
    }

    /** @param value a non-negative value */
    static int indexOf(long value) {
        int shift = (63 - Long.numberOfLeadingZeros(value | LINEAR_MASK)) - SUB_BITS;
        return (shift << SUB_BITS) + (int) (value >>> shift);
    }

    /** Lowest value that lands in bucket {@code index}. */
    static long lowestValue(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = (index >>> SUB_BITS) - 1;
        long sub = index - ((long) shift << SUB_BITS);
        return sub << shift;
    }

    /** Highest value that lands in bucket {@code index}. */
    static long highestValue(int index) {
        if (index == BUCKET_COUNT - 1) {
            return Long.MAX_VALUE;
        }
        return lowestValue(index + 1) - 1;
    }
}
