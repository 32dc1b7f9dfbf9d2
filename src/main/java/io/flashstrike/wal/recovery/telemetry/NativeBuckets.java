package io.flashstrike.wal.recovery.telemetry;

import java.util.Arrays;

/**
 * Prometheus native (exponential) histogram buckets at one schema, filled from our log-linear
 * buckets. Schema {@code s} has bucket boundaries at powers of {@code 2^(2^-s)}: bucket {@code i}
 * holds values in {@code (base^(i-1), base^i]}; schema 3 (the CLI's default) grows by 9.05 % a
 * bucket, 8 per power of two, the finest, 8, by 0.27 %.
 *
 * <p><b>The re-binning error, stated.</b> Each bucket of ours (at most 0.79 % wide) is counted in
 * the native bucket that holds its highest value. A duration then lands in its own native bucket,
 * or, when our bucket straddles a native boundary, in the next one up: the value it is counted at
 * is never below the duration and at most 0.79 % above it, the same bound as our percentiles.
 * Durations of 0 ns go to the zero bucket (threshold 0). Immutable.
 */
public final class NativeBuckets {
    public static final int MIN_SCHEMA = -4;
    public static final int MAX_SCHEMA = 8;

    private final int schema;

    private NativeBuckets(int schema) {
        this.schema = schema;
    }

    /** @throws IllegalArgumentException outside Prometheus' schemas, {@value #MIN_SCHEMA} to {@value #MAX_SCHEMA} */
    public static NativeBuckets ofSchema(int schema) {
        if (schema < MIN_SCHEMA || schema > MAX_SCHEMA) {
            throw new IllegalArgumentException("native histogram schema " + schema + " is not one of Prometheus' ("
                    + MIN_SCHEMA + " to " + MAX_SCHEMA + ")");
        }
        return new NativeBuckets(schema);
    }

    public int schema() {
        return schema;
    }

    /** @return how much wider each bucket is than the one below: {@code 2^(2^-schema)} */
    public double growthFactor() {
        return Math.pow(2, Math.pow(2, -schema));
    }

    /** Index of the native bucket holding {@code seconds} (positive and finite) at {@code schema}. */
    static int indexOf(double seconds, int schema) {
        int exp = Math.getExponent(seconds); // seconds = m * 2^exp, m in [1, 2)
        double m = seconds / Math.scalb(1.0, exp);
        if (schema <= 0) {
            int width = 1 << -schema; // powers of two per bucket
            return m == 1.0 ? Math.floorDiv(exp + width - 1, width) : Math.floorDiv(exp, width) + 1;
        }
        int perOctave = 1 << schema;
        if (m == 1.0) {
            return exp * perOctave;
        }
        // Boundaries inside an octave are irrational: m never sits exactly on one.
        return exp * perOctave + (int) Math.ceil(Math.log(m) / Math.log(2) * perOctave);
    }

    /** The native buckets of {@code latency}: the zero bucket's count and the positive buckets, increasing. */
    public Filled fill(LatencyDistribution latency) {
        Filler f = new Filler();
        latency.forEachBucket(f);
        return new Filled(f.zero, Arrays.copyOf(f.indexes, f.n), Arrays.copyOf(f.counts, f.n));
    }

    /** Collects our buckets (visited in increasing order, so native indexes never decrease) into native ones. */
    private final class Filler implements LatencyDistribution.BucketVisitor {
        long zero;
        int[] indexes = new int[16];
        long[] counts = new long[16];
        int n;

        @Override
        public void bucket(long lowestNanos, long highestNanos, long count) {
            if (highestNanos == 0) {
                zero += count;
                return;
            }
            int i = indexOf(highestNanos / 1e9, schema);
            if (n > 0 && indexes[n - 1] == i) {
                counts[n - 1] += count;
                return;
            }
            if (n == indexes.length) {
                indexes = Arrays.copyOf(indexes, n * 2);
                counts = Arrays.copyOf(counts, n * 2);
            }
            indexes[n] = i;
            counts[n++] = count;
        }
    }

    /** One histogram's native buckets: per-bucket (not cumulative) counts. */
    public record Filled(long zeroCount, int[] indexes, long[] counts) {
    }

    @Override
    public String toString() {
        return "schema " + schema;
    }
}
