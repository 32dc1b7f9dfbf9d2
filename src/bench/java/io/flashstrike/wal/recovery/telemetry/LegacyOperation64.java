package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.Padding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes between the object header and the hot fields. */
abstract class LegacyOperation64Pad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The hot scalar fields: one cache line, written only by the single writer. */
abstract class LegacyOperation64Fields extends LegacyOperation64Pad0 {
    /** Operations recorded; written last (release) so a reader that sees it sees their effects. */
    long count;
    long totalNanos;
    long minNanos = Long.MAX_VALUE;
    long maxNanos;
}

/** 128 bytes between the hot fields and whatever the JVM places after this object. */
abstract class LegacyOperation64Pad1 extends LegacyOperation64Fields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * Bench only, for a before/after in one run: {@code Operation64} as it was before outcomes became any
 * enum (commit aad1815), record path only. A 64-bit operation metric (the C++ engine's {@code stats::operation64}, ported): counts per {@link Status},
 * total/min/max duration and a log-linear latency distribution (relative error at most 0.79 %,
 * see {@link LogLinearBuckets}), in fixed memory.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li><b>One writer.</b> {@link #record} may be called by one thread at a time (the preloader
 *   worker). It is wait-free, allocates nothing and never throws. Two concurrent writers lose
 *   updates: this class does not detect it.</li>
 *   <li><b>Any number of readers.</b> {@link #snapshot} and {@link #collect} are wait-free for
 *   readers and never block the writer.</li>
 * </ul>
 *
 * <h2>Memory ordering</h2>
 * The writer stores every cell with {@code setRelease}, in the order status count, bucket,
 * total, min, max, count; the reader loads with {@code getAcquire} in the reverse order. Each
 * value is therefore untorn and monotonic across snapshots, and a snapshot taken while the
 * writer records is never <em>behind</em> itself: every field read later reflects at least the
 * records seen by the fields read before it ({@code statusCounts >= histogram >= count}), by at
 * most the records recorded during the copy. On x86 a release store is a plain store.
 *
 * <h2>Layout</h2>
 * The scalar fields sit between two 128-byte pad layers; the per-status counts and the buckets
 * live in one {@code long[]} padded by 128 bytes at both ends. See the {@code internal} package.
 */
public final class LegacyOperation64 extends LegacyOperation64Pad1 {
    private static final VarHandle COUNT;
    private static final VarHandle TOTAL;
    private static final VarHandle MIN;
    private static final VarHandle MAX;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(LegacyOperation64Fields.class, "count", long.class);
            TOTAL = lookup.findVarHandle(LegacyOperation64Fields.class, "totalNanos", long.class);
            MIN = lookup.findVarHandle(LegacyOperation64Fields.class, "minNanos", long.class);
            MAX = lookup.findVarHandle(LegacyOperation64Fields.class, "maxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** First cell of the per-status counts. */
    static final int STATUS_BASE = Padding.PAD_LONGS;
    /** First cell of the latency buckets. */
    static final int BUCKET_BASE = STATUS_BASE + Status.count();
    /** Cells in all: pad, statuses, buckets, pad. */
    static final int CELLS = BUCKET_BASE + LogLinearBuckets.BUCKET_COUNT + Padding.PAD_LONGS;


    private final long[] cells = new long[CELLS];

    /**
     * Records one operation. Single writer only; wait-free; no allocation; never throws.
     *
     * @param durationNs the operation's duration in nanoseconds; a negative value (a clock step
     *                   between two readings) is recorded as 0
     * @param status     the outcome; {@code null} is recorded as {@link Status#UNKNOWN}
     */
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

    /** @return operations recorded (for the benchmark's sanity check) */
    public long count() {
        return (long) COUNT.getAcquire(this);
    }
}
