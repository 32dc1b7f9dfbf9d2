package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.Padding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** 128 bytes between the object header and the hot fields. */
abstract class Operation64Pad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The hot scalar fields: one cache line, written only by the single writer. */
abstract class Operation64Fields extends Operation64Pad0 {
    /** Operations recorded; written last (release) so a reader that sees it sees their effects. */
    long count;
    long totalNanos;
    long minNanos = Long.MAX_VALUE;
    long maxNanos;
}

/** 128 bytes between the hot fields and whatever the JVM places after this object. */
abstract class Operation64Pad1 extends Operation64Fields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * A 64-bit operation metric (the C++ engine's {@code stats::operation64}, ported): counts per outcome
 * (any enum, described by an {@link OutcomeType}; the WAL's {@link Status} by default),
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
 * The writer stores every cell with {@code setRelease}, in the order outcome count, bucket,
 * total, min, max, count; the reader loads with {@code getAcquire} in the reverse order. Each
 * value is therefore untorn and monotonic across snapshots, and a snapshot taken while the
 * writer records is never <em>behind</em> itself: every field read later reflects at least the
 * records seen by the fields read before it ({@code outcomeCounts >= histogram >= count}), by at
 * most the records recorded during the copy. On x86 a release store is a plain store.
 *
 * <h2>Layout</h2>
 * The scalar fields sit between two 128-byte pad layers; the buckets and then the per-outcome
 * counts live in one {@code long[]} padded by 128 bytes at both ends (buckets first, so both
 * bases are constants whatever the outcome count). Exemplars, when kept, live in their own
 * padded array ({@link ExemplarSlots}). See the {@code internal} package.
 */
public final class Operation64 extends Operation64Pad1 {
    private static final VarHandle COUNT;
    private static final VarHandle TOTAL;
    private static final VarHandle MIN;
    private static final VarHandle MAX;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(Operation64Fields.class, "count", long.class);
            TOTAL = lookup.findVarHandle(Operation64Fields.class, "totalNanos", long.class);
            MIN = lookup.findVarHandle(Operation64Fields.class, "minNanos", long.class);
            MAX = lookup.findVarHandle(Operation64Fields.class, "maxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** First cell of the latency buckets. */
    static final int BUCKET_BASE = Padding.PAD_LONGS;
    /** First cell of the per-outcome counts. */
    static final int OUTCOME_BASE = BUCKET_BASE + LogLinearBuckets.BUCKET_COUNT;

    private final OutcomeType<?> outcomes;
    /** The outcome enum: one compare on the hot path instead of {@code getDeclaringClass()}. */
    private final Class<?> outcomeClass;
    private final long[] cells;
    /** The latest operation per latency range, for exemplars; null when operations carry no id. */
    private final ExemplarSlots exemplars;

    /** A metric whose outcomes are the WAL's {@link Status}. */
    public Operation64() {
        this(Status.OUTCOMES);
    }

    /** A metric whose outcomes are {@code outcomes}' enum. */
    public Operation64(OutcomeType<?> outcomes) {
        this(outcomes, null);
    }

    /**
     * A metric whose outcomes are {@code outcomes}' enum and whose operations carry an id
     * ({@link #record(long, Enum, long, long)}), kept per latency range as exemplars labelled
     * {@code exemplarLabel} (null: none kept).
     */
    public Operation64(OutcomeType<?> outcomes, String exemplarLabel) {
        this.outcomes = outcomes;
        this.outcomeClass = outcomes.type();
        this.cells = new long[cells(outcomes)];
        this.exemplars = exemplarLabel == null ? null : new ExemplarSlots(exemplarLabel);
    }

    /** @return cells in all: pad, buckets, outcomes, pad */
    static int cells(OutcomeType<?> outcomes) {
        return OUTCOME_BASE + outcomes.count() + Padding.PAD_LONGS;
    }

    /** @return the outcomes this metric counts */
    public OutcomeType<?> outcomes() {
        return outcomes;
    }

    /**
     * Records one operation. Single writer only; wait-free; no allocation; never throws.
     *
     * @param durationNs the operation's duration in nanoseconds; a negative value (a clock step
     *                   between two readings) is recorded as 0
     * @param outcome    the outcome, a constant of {@link #outcomes()}' enum; {@code null} (or a
     *                   constant of another enum) is recorded as its {@link OutcomeType#unknown()}
     */
    public void record(long durationNs, Enum<?> outcome) {
        record(durationNs, outcome, -1L, 0L);
    }

    /**
     * Records one operation and, when this metric keeps exemplars and {@code id} is not negative,
     * keeps it as the latest of its latency range. Single writer only; wait-free; no allocation;
     * never throws.
     *
     * @param id          the operation's id (a segment's), -1 for none
     * @param endNanoTime {@code System.nanoTime()} when it ended
     */
    public void record(long durationNs, Enum<?> outcome, long id, long endNanoTime) {
        long d = Math.max(0L, durationNs);
        long[] c = cells;
        int s = OUTCOME_BASE + (outcome != null && outcome.getClass() == outcomeClass ? outcome.ordinal()
                : outcomes.indexOf(outcome));
        CELL.setRelease(c, s, c[s] + 1);
        int bucket = LogLinearBuckets.indexOf(d);
        if (id >= 0 && exemplars != null) {
            exemplars.record(bucket, d, id, endNanoTime);
        }
        int b = BUCKET_BASE + bucket;
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

    /** Takes an immutable snapshot. Safe from any thread, concurrently with the writer. */
    public Snapshot snapshot() {
        COUNT.getAcquire(this); // orders every load below after the writer's last published record
        long max = (long) MAX.getAcquire(this);
        long min = (long) MIN.getAcquire(this);
        long total = (long) TOTAL.getAcquire(this);
        long[] copy = new long[cells.length];
        // The reverse of the writer's order: buckets, then outcome counts (so outcomes >= histogram).
        for (int i = BUCKET_BASE; i < OUTCOME_BASE; i++) {
            copy[i] = (long) CELL.getAcquire(cells, i);
        }
        for (int i = OUTCOME_BASE; i < OUTCOME_BASE + outcomes.count(); i++) {
            copy[i] = (long) CELL.getAcquire(cells, i);
        }
        Map<Enum<?>, Long> byOutcome = new LinkedHashMap<>();
        long successes = 0;
        long failures = 0;
        for (Enum<?> o : outcomes.constants()) {
            long n = copy[OUTCOME_BASE + o.ordinal()];
            byOutcome.put(o, n);
            if (outcomes.isSuccess(o.ordinal())) {
                successes += n;
            } else {
                failures += n;
            }
        }
        // min is read before the counts: it may not show a record they do (then it is unset).
        return new Snapshot(successes, failures, total, min == Long.MAX_VALUE ? 0 : min, max,
                Collections.unmodifiableMap(byOutcome), outcomes, LatencyDistribution.ofDense(copy, BUCKET_BASE,
                        exemplars == null ? List.of() : exemplars.read()));
    }

    /**
     * Emits this metric under {@code name}: {@code name_total} per {@code outcome}/{@code status}
     * ({@code status} the outcome constant's name, every constant, zeros included, so rates work from the first scrape), a
     * {@code name_duration_seconds} histogram (cumulative since start; the collector's bounds) and
     * {@code name_duration_min_seconds}/{@code name_duration_max_seconds} gauges.
     */
    public void collect(String name, MetricsCollector collector) {
        snapshot().collect(name, collector);
    }

    /**
     * Immutable view of an {@link Operation64} at one instant.
     *
     * @param successes       operations recorded with an outcome that counts as a success
     * @param failures        operations recorded with any other outcome
     * @param totalNanos      sum of all durations, failures included
     * @param minNanos        shortest duration, 0 when nothing was recorded
     * @param maxNanos        longest duration, 0 when nothing was recorded
     * @param countsByOutcome count per outcome constant, every constant present, in ordinal order
     * @param outcomes        the outcomes counted
     * @param latency         the distribution of all durations, failures included
     */
    public record Snapshot(long successes, long failures, long totalNanos, long minNanos, long maxNanos,
                           Map<Enum<?>, Long> countsByOutcome, OutcomeType<?> outcomes, LatencyDistribution latency) {

        /** @return successes plus failures */
        public long count() {
            return successes + failures;
        }

        /** @return operations recorded with {@code outcome}; 0 for a constant of another enum */
        public long count(Enum<?> outcome) {
            return countsByOutcome.getOrDefault(outcome, 0L);
        }

        /** @return mean duration in nanoseconds, 0 when empty */
        public double meanNanos() {
            long n = count();
            return n == 0 ? 0.0 : (double) totalNanos / n;
        }

        /**
         * @param percentile in {@code [0, 100]}
         * @return the duration at that percentile (bucket precision, clamped to [min, max])
         */
        public long percentileNanos(double percentile) {
            long p = latency.percentileNanos(percentile);
            return latency.totalCount() == 0 ? 0 : Math.max(minNanos, Math.min(maxNanos, p));
        }

        /** Emits this snapshot; see {@link Operation64#collect}. */
        public void collect(String name, MetricsCollector c) {
            for (Map.Entry<Enum<?>, Long> o : countsByOutcome.entrySet()) {
                c.pushLabel("outcome", outcomes.isSuccess(o.getKey().ordinal()) ? "success" : "failure");
                c.pushLabel("status", o.getKey().name());
                c.counter(name + "_total", "Operations completed, by outcome and status", o.getValue());
                c.popLabel();
                c.popLabel();
            }
            c.histogram(name + "_duration_seconds", "Operation duration, all outcomes, since start",
                    latency, seconds(totalNanos));
            c.gauge(name + "_duration_min_seconds", "Shortest operation since start", seconds(minNanos));
            c.gauge(name + "_duration_max_seconds", "Longest operation since start", seconds(maxNanos));
        }

        private static double seconds(long nanos) {
            return nanos / 1e9;
        }
    }
}
