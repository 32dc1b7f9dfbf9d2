package io.flashstrike.wal.bench;

import java.util.SplittableRandom;

/**
 * The durations every record benchmark feeds, precomputed so that no clock is read on either side:
 * log-normal around 1 ms (sigma 1.5, so roughly 10 µs .. 100 ms, like segment preloads and
 * finishes), fixed seed, {@value #SIZE} values cycled through with a mask.
 */
public final class Durations {
    public static final int SIZE = 4096;
    public static final int MASK = SIZE - 1;

    private static final long[] NANOS = new long[SIZE];
    private static final double[] SECONDS = new double[SIZE];

    static {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < SIZE; i++) {
            // Box-Muller: one standard normal per value
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            long ns = (long) Math.exp(Math.log(1_000_000) + 1.5 * g);
            NANOS[i] = Math.max(1, Math.min(ns, 60_000_000_000L));
            SECONDS[i] = NANOS[i] / 1e9;
        }
    }

    private Durations() {
    }

    /** @return a fresh copy of the durations in nanoseconds */
    public static long[] nanos() {
        return NANOS.clone();
    }

    /** @return the same durations in seconds (for the APIs that take seconds) */
    public static double[] seconds() {
        return SECONDS.clone();
    }
}
