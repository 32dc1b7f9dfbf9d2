package io.flashstrike.wal.recovery.telemetry;

import java.util.Arrays;
import java.util.List;

/**
 * Immutable copy of an {@link Operation64}'s latency buckets, kept sparse (only non-empty buckets).
 *
 * <p>Percentiles are answered with the highest value of the bucket that holds the requested rank,
 * as HdrHistogram does, so a reported percentile is never below the true one and at most 0.79 %
 * above it (see {@link LogLinearBuckets}).
 */
public final class LatencyDistribution {
    private static final LatencyDistribution EMPTY = new LatencyDistribution(new int[0], new long[0], 0, List.of());

    private final int[] indexes;
    private final long[] counts;
    private final long totalCount;
    private final List<LatencyExemplar> exemplars;

    private LatencyDistribution(int[] indexes, long[] counts, long totalCount, List<LatencyExemplar> exemplars) {
        this.indexes = indexes;
        this.counts = counts;
        this.totalCount = totalCount;
        this.exemplars = exemplars;
    }

    /** Builds a sparse copy from dense bucket counts at {@code from .. from + BUCKET_COUNT}. */
    static LatencyDistribution ofDense(long[] dense, int from) {
        return ofDense(dense, from, List.of());
    }

    /** ... with the operations kept as exemplars, the latest first. */
    static LatencyDistribution ofDense(long[] dense, int from, List<LatencyExemplar> exemplars) {
        int nonEmpty = 0;
        for (int i = 0; i < LogLinearBuckets.BUCKET_COUNT; i++) {
            if (dense[from + i] != 0) {
                nonEmpty++;
            }
        }
        if (nonEmpty == 0 && exemplars.isEmpty()) {
            return EMPTY;
        }
        int[] idx = new int[nonEmpty];
        long[] cnt = new long[nonEmpty];
        long total = 0;
        for (int i = 0, j = 0; i < LogLinearBuckets.BUCKET_COUNT; i++) {
            long c = dense[from + i];
            if (c != 0) {
                idx[j] = i;
                cnt[j++] = c;
                total += c;
            }
        }
        return new LatencyDistribution(idx, cnt, total, exemplars);
    }

    /** @return a builder for a distribution made offline, from durations in hand (a recording's) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Counts durations into our log-linear buckets, for one thread, with no padding and no
     * publication: a recording's durations read back by a report, not a hot path's.
     */
    public static final class Builder {
        private final long[] dense = new long[LogLinearBuckets.BUCKET_COUNT];

        private Builder() {
        }

        /** Counts one duration; a negative one (a clock step) as 0. */
        public Builder add(long durationNanos) {
            dense[LogLinearBuckets.indexOf(Math.max(0L, durationNanos))]++;
            return this;
        }

        /** @return the durations counted so far, an immutable copy */
        public LatencyDistribution build() {
            return ofDense(dense, 0);
        }
    }

    /**
     * @return the latest operation of each latency range that kept one (see {@link ExemplarSlots}),
     *         the latest first; empty when the operations carry no id. Not part of equality: two
     *         distributions of the same operations may keep different examples.
     */
    public List<LatencyExemplar> exemplars() {
        return exemplars;
    }

    /** Number of durations in the distribution. */
    public long totalCount() {
        return totalCount;
    }

    /**
     * The value at or below which {@code percentile} percent of durations fall.
     *
     * @param percentile in {@code [0, 100]}
     * @return nanoseconds, 0 when empty
     * @throws IllegalArgumentException when {@code percentile} is outside {@code [0, 100]} or NaN
     */
    public long percentileNanos(double percentile) {
        if (!(percentile >= 0.0 && percentile <= 100.0)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
        }
        if (totalCount == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * totalCount));
        long seen = 0;
        for (int j = 0; j < indexes.length; j++) {
            seen += counts[j];
            if (seen >= rank) {
                return LogLinearBuckets.highestValue(indexes[j]);
            }
        }
        return LogLinearBuckets.highestValue(indexes[indexes.length - 1]);
    }

    /** Visits non-empty buckets in increasing value order. */
    public void forEachBucket(BucketVisitor visitor) {
        for (int j = 0; j < indexes.length; j++) {
            int i = indexes[j];
            visitor.bucket(LogLinearBuckets.lowestValue(i), LogLinearBuckets.highestValue(i), counts[j]);
        }
    }

    /** Receives one non-empty bucket: its value range in nanoseconds (inclusive) and its count. */
    @FunctionalInterface
    public interface BucketVisitor {
        void bucket(long lowestNanos, long highestNanos, long count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyDistribution d && totalCount == d.totalCount
                && Arrays.equals(indexes, d.indexes) && Arrays.equals(counts, d.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indexes) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "LatencyDistribution[count=" + totalCount + ", buckets=" + indexes.length + "]";
    }
}
