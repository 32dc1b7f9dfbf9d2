package io.flashstrike.wal.recovery.telemetry;

/** Benchmark-only window on the package-private bucket math, to time it alone. */
public final class BucketsAccess {
    private BucketsAccess() {
    }

    public static int indexOf(long value) {
        return LogLinearBuckets.indexOf(value);
    }
}
