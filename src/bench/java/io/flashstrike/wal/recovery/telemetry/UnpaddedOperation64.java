package io.flashstrike.wal.recovery.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;

/**
 * BENCHMARK ONLY: {@link Operation64} without its padding, to measure what the padding buys.
 *
 * <p>The same fields, the same record path (statement for statement: release stores in the same
 * order, the same bucket math) and the same snapshot, but no {@code Pad0}/{@code Pad1} layers
 * around the scalar fields and no pad cells at either end of the counters array. Two instances
 * allocated one after the other (see {@link UnpaddedSegmentPreloader}) therefore put their hot
 * fields on the same or adjacent cache lines, as a naive block with two metrics would.
 */
public final class UnpaddedOperation64 {
    private static final VarHandle COUNT;
    private static final VarHandle TOTAL;
    private static final VarHandle MIN;
    private static final VarHandle MAX;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(UnpaddedOperation64.class, "count", long.class);
            TOTAL = lookup.findVarHandle(UnpaddedOperation64.class, "totalNanos", long.class);
            MIN = lookup.findVarHandle(UnpaddedOperation64.class, "minNanos", long.class);
            MAX = lookup.findVarHandle(UnpaddedOperation64.class, "maxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int STATUS_BASE = 0;
    static final int BUCKET_BASE = STATUS_BASE + Status.count();
    static final int CELLS = BUCKET_BASE + LogLinearBuckets.BUCKET_COUNT;

    long count;
    long totalNanos;
    long minNanos = Long.MAX_VALUE;
    long maxNanos;
    /** Set after construction so that the holder can place two instances next to each other. */
    long[] cells;

    UnpaddedOperation64() {
    }

    void allocateCells() {
        cells = new long[CELLS];
    }

    /** Same as {@link Operation64#record}. */
    public void record(long durationNs, Status status) {
        long d = Math.max(0L, durationNs);
        long[] c = cells;
        int s = STATUS_BASE + (status == null ? Status.UNKNOWN.ordinal() : status.ordinal());
        CELL.setRelease(c, s, c[s] + 1);
        int b = BUCKET_BASE + LogLinearBuckets.indexOf(d);
        CELL.setRelease(c, b, c[b] + 1);
        TOTAL.setRelease(this, totalNanos + d);
        if (d < minNanos) {
            MIN.setRelease(this, d);
        }
        if (d > maxNanos) {
            MAX.setRelease(this, d);
        }
        COUNT.setRelease(this, count + 1);
    }

    /** Same as {@link Operation64#snapshot}. */
    public Operation64.Snapshot snapshot() {
        COUNT.getAcquire(this);
        long max = (long) MAX.getAcquire(this);
        long min = (long) MIN.getAcquire(this);
        long total = (long) TOTAL.getAcquire(this);
        long[] copy = new long[CELLS];
        for (int i = BUCKET_BASE + LogLinearBuckets.BUCKET_COUNT - 1; i >= STATUS_BASE; i--) {
            copy[i] = (long) CELL.getAcquire(cells, i);
        }
        java.util.Map<Enum<?>, Long> byStatus = new java.util.LinkedHashMap<>();
        long successes = 0;
        long failures = 0;
        for (Status st : Status.values()) {
            long n = copy[STATUS_BASE + st.ordinal()];
            byStatus.put(st, n);
            if (st.isOk()) {
                successes = n;
            } else {
                failures += n;
            }
        }
        return new Operation64.Snapshot(successes, failures, total, min == Long.MAX_VALUE ? 0 : min, max,
                Collections.unmodifiableMap(byStatus), Status.OUTCOMES, LatencyDistribution.ofDense(copy, BUCKET_BASE));
    }
}
