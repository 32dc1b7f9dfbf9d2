package io.flashstrike.wal.recovery.telemetry;

import java.util.Arrays;
import java.util.Locale;

/**
 * The upper bounds ({@code le}) of the classic Prometheus histograms a latency is exposed as.
 *
 * <p>Every bound is an <b>edge of our own buckets</b> ({@link LogLinearBuckets}): asked for
 * 100 µs, a bound becomes the highest value of the bucket holding 100 µs (100.351 µs, at most
 * 0.79 % above). A bucket of ours then lies wholly at or below a bound or wholly above it, so the
 * count at each {@code le} is exact: nothing is re-binned or interpolated before Prometheus sees it.
 *
 * <p>The default, {@link #DEFAULT}, is 1-2-5 per decade from 10 µs to 50 s (21 bounds, then
 * {@code +Inf}): a page-cache hit of a small segment to a cold multi-second map and verify.
 * Optionally ({@link #withNative}) every histogram also carries Prometheus native buckets,
 * beside the classic ones. Immutable.
 */
public final class HistogramBounds {
    /** 10, 20, 50 µs ... 10, 20, 50 s, each raised to our bucket edge. */
    public static final HistogramBounds DEFAULT = ofSeconds(oneTwoFive(-5, 7));

    private final long[] upperNanos;
    private final double[] upperSeconds;
    private final NativeBuckets nativeBuckets;

    private HistogramBounds(long[] upperNanos) {
        this(upperNanos, null);
    }

    private HistogramBounds(long[] upperNanos, NativeBuckets nativeBuckets) {
        this.upperNanos = upperNanos;
        this.nativeBuckets = nativeBuckets;
        this.upperSeconds = new double[upperNanos.length];
        for (int i = 0; i < upperNanos.length; i++) {
            upperSeconds[i] = upperNanos[i] / 1e9;
        }
    }

    /**
     * @param seconds wanted bounds, strictly increasing, positive and finite
     * @throws IllegalArgumentException naming the offending value, or two that meet at one edge
     */
    public static HistogramBounds ofSeconds(double... seconds) {
        if (seconds.length == 0) {
            throw new IllegalArgumentException("at least one histogram bound is needed");
        }
        long[] nanos = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            double s = seconds[i];
            if (!(s > 0) || Double.isInfinite(s) || s > Long.MAX_VALUE / 1e9) {
                throw new IllegalArgumentException("histogram bound " + s + " s is not a positive finite duration");
            }
            if (i > 0 && s <= seconds[i - 1]) {
                throw new IllegalArgumentException("histogram bounds must increase: " + seconds[i - 1] + " then " + s);
            }
            nanos[i] = LogLinearBuckets.highestValue(LogLinearBuckets.indexOf((long) Math.ceil(s * 1e9)));
            if (i > 0 && nanos[i] == nanos[i - 1]) {
                throw new IllegalArgumentException("histogram bounds " + seconds[i - 1] + " and " + s
                        + " s fall in one bucket of ours (0.79 % wide): drop one");
            }
        }
        return new HistogramBounds(nanos);
    }

    /** Parses a comma-separated list of seconds, e.g. {@code 0.0001,0.001,0.01,0.1,1}. */
    public static HistogramBounds parse(String csv) {
        String[] parts = csv.split(",", -1);
        double[] s = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                s[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("histogram bound '" + parts[i].strip() + "' is not a number of seconds");
            }
        }
        return ofSeconds(s);
    }

    /** @return these classic bounds, and native buckets at {@code buckets}' schema as well (null: none) */
    public HistogramBounds withNative(NativeBuckets buckets) {
        return new HistogramBounds(upperNanos, buckets);
    }

    /** @return the native buckets every histogram also carries, or null when classic buckets only */
    public NativeBuckets nativeBuckets() {
        return nativeBuckets;
    }

    /** @return the bounds in seconds, increasing, without {@code +Inf} */
    public double[] upperSeconds() {
        return upperSeconds.clone();
    }

    /** @return how many bounds (without {@code +Inf}) */
    public int size() {
        return upperNanos.length;
    }

    /**
     * @return per-bucket (not cumulative) counts of {@code latency}: index i holds the durations in
     *         {@code (bound[i-1], bound[i]]}, the last index (= {@link #size()}) those above every bound
     */
    public long[] counts(LatencyDistribution latency) {
        long[] counts = new long[upperNanos.length + 1];
        latency.forEachBucket((lowest, highest, count) -> {
            int i = Arrays.binarySearch(upperNanos, highest);
            counts[i >= 0 ? i : -i - 1] += count; // highest is at or below the bound found: exact
        });
        return counts;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (double s : upperSeconds) {
            sb.append(sb.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g", s));
        }
        return sb.toString();
    }

    /** 1, 2, 5 x 10^e for {@code decades} decades from 10^firstExponent, parsed so each is the exact decimal. */
    private static double[] oneTwoFive(int firstExponent, int decades) {
        double[] s = new double[decades * 3];
        for (int d = 0; d < decades; d++) {
            for (int k = 0; k < 3; k++) {
                s[3 * d + k] = Double.parseDouble(new int[] {1, 2, 5}[k] + "e" + (firstExponent + d));
            }
        }
        return s;
    }
}
