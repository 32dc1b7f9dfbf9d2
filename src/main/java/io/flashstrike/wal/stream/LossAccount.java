package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.TelemetryBlock;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.TimedOperation;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import jdk.jfr.consumer.RecordedEvent;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What a stream did not see: bytes JFR says it lost ({@value #DATA_LOSS}) and operations the
 * producer counted but the stream never folded. The producer's own totals come with
 * {@value OperationStatisticsEvent#NAME}, one per operation of every registered block (periodic, once
 * more when its owner closes it, and on for the registry's finished blocks), and, for the preloader's two operations,
 * also with {@value SegmentPreloaderStatisticsEvent#NAME} (a producer whose settings enable only
 * that one). Per block and operation, the largest total seen is the latest (totals only grow), so
 * the account is order-free and the two events of one block never add up twice.
 *
 * <p>{@link #settle} compares those totals with the mirror at the end of a batch, when every
 * event of the batch is folded; in between, a statistics event folded before the operations it
 * counts would show a loss that is not one. Missing is never negative (the stream may see an
 * operation before the producer's next statistics).
 *
 * <p>Single writer: the stream's thread folds and settles; any thread reads.
 */
final class LossAccount {
    static final String DATA_LOSS = "jdk.DataLoss";
    /** Created on first use: the agent loads this class in JVMs that install their own LogManager later. */
    private static final class Log {
        static final Logger LOG = Logger.getLogger(LossAccount.class.getName());
    }

    private record Key(long blockId, String operation) {
    }

    private final String source;
    /** The operation names of the mirror's blocks, in exposition order: a series each. */
    private final List<String> operations;
    /** (block, operation) → the largest total seen. */
    private final Map<Key, Long> producer = new HashMap<>();
    /** Null: every producer block counts; else only these block ids (a check of one run's own blocks). */
    private volatile java.util.Set<Long> only;
    private volatile long lostBytes;
    /** operation → {producer total, missing} at the last settle (missing {@link #UNKNOWN}: see there); replaced whole. */
    private volatile Map<String, long[]> settled = Map.of();
    /** operation → settles in a row that found it folded and without any producer total. */
    private final Map<String, Integer> withoutTotals = new HashMap<>();
    /**
     * Missing, when it cannot be known: the stream folded operations of a kind whose producer
     * totals never came (its settings lack the statistics events, or an older producer) for two
     * batches running — one batch is the normal gap before the next statistics period.
     */
    static final long UNKNOWN = -1;
    private static final int SETTLES_BEFORE_UNKNOWN = 2;

    LossAccount(String source, List<TelemetryBlock> mirror) {
        this.source = source;
        this.operations = mirror.stream().flatMap(b -> b.operations().stream()).map(op -> op.type().name()).distinct().toList();
    }

    /** @return {@code true} when {@code e} was a loss or statistics event, now counted */
    synchronized boolean fold(RecordedEvent e) {
        String name = e.getEventType().getName();
        if (DATA_LOSS.equals(name)) {
            lostBytes += e.getLong("amount");
            return true;
        }
        if (OperationStatisticsEvent.NAME.equals(name)) {
            total(e.getLong("blockId"), e.getString("operation"), e.getLong("successes") + e.getLong("failures"));
            return true;
        }
        if (SegmentPreloaderStatisticsEvent.NAME.equals(name)) {
            long block = e.getLong("blockId");
            total(block, "preload_segment", e.getLong("preloadSuccesses") + e.getLong("preloadFailures"));
            total(block, "finish_segment", e.getLong("finishSuccesses") + e.getLong("finishFailures"));
            return true;
        }
        return false;
    }

    /**
     * Takes the totals of {@code registrations}' blocks as the producer's and settles against
     * {@code mirror} at once: for a stream of this very JVM, which knows its producer's totals
     * before any statistics event arrives.
     */
    synchronized void seed(List<TelemetryRegistry.Registration> registrations, List<TelemetryBlock> mirror) {
        for (TelemetryRegistry.Registration r : registrations) {
            for (TelemetryBlock b : r.blocks()) {
                for (TimedOperation<?, ?> op : b.operations()) {
                    total(b.id(), op.type().name(), op.distribution().snapshot().count());
                }
            }
        }
        settle(mirror);
    }

    /** Counts from now on only the producer totals of {@code blockIds}. */
    void only(java.util.Set<Long> blockIds) {
        this.only = java.util.Set.copyOf(blockIds);
    }

    private void total(long block, String operation, long total) {
        java.util.Set<Long> counted = only;
        if (operation != null && (counted == null || counted.contains(block))) {
            producer.merge(new Key(block, operation), total, Math::max);
        }
    }

    /** Recomputes what is missing against {@code mirror}; logs once each time it becomes non-zero. */
    synchronized void settle(List<TelemetryBlock> mirror) {
        settle(mirror, false);
    }

    /**
     * @param complete the stream has ended (a file read to its end): totals that never came will
     *                 not come, so an operation folded without any is unknown at once
     */
    synchronized void settle(List<TelemetryBlock> mirror, boolean complete) {
        Map<String, Long> folded = new HashMap<>();
        for (TelemetryBlock b : mirror) {
            for (TimedOperation<?, ?> op : b.operations()) {
                folded.merge(op.type().name(), op.distribution().snapshot().count(), Long::sum);
            }
        }
        Map<String, long[]> now = new LinkedHashMap<>();
        for (Map.Entry<Key, Long> t : producer.entrySet()) {
            now.computeIfAbsent(t.getKey().operation(), k -> new long[2])[0] += t.getValue();
        }
        // Unknown is not a loss seen: a real one found later is still worth its one line.
        boolean wasZero = settled.values().stream().allMatch(v -> v[1] <= 0);
        StringBuilder what = new StringBuilder();
        for (Map.Entry<String, long[]> o : now.entrySet()) {
            long[] v = o.getValue();
            v[1] = Math.max(0, v[0] - folded.getOrDefault(o.getKey(), 0L));
            if (v[1] > 0) {
                what.append(what.length() == 0 ? "" : ", ").append(v[1]).append(' ').append(o.getKey());
            }
        }
        for (Map.Entry<String, Long> f : folded.entrySet()) {
            if (f.getValue() > 0 && !now.containsKey(f.getKey())) {
                int n = withoutTotals.merge(f.getKey(), 1, Integer::sum);
                if (complete || n >= SETTLES_BEFORE_UNKNOWN) {
                    now.put(f.getKey(), new long[] {0, UNKNOWN});
                }
            } else {
                withoutTotals.remove(f.getKey());
            }
        }
        settled = now;
        if (wasZero && what.length() > 0) {
            Log.LOG.warning("flashstrike: the stream from " + source + " is missing " + what + " events the producer counted ("
                    + lostBytes + " bytes lost by JFR so far; also a threshold above 0 or a stream started after the"
                    + " operations); the mirror undercounts");
        }
    }

    /** @return whether any producer total (or an unknown) was settled yet: before that, missing says nothing */
    boolean settledAny() {
        return !settled.isEmpty();
    }

    /** @return bytes JFR reported lost ({@code jdk.DataLoss} amounts), summed */
    long lostBytes() {
        return lostBytes;
    }

    /** @return the operation names with a {@code missing} series: the mirror's, then any other the producer reported */
    List<String> operations() {
        List<String> all = new java.util.ArrayList<>(operations);
        for (String o : settled.keySet()) {
            if (!all.contains(o)) {
                all.add(o);
            }
        }
        return all;
    }

    /**
     * @return operations of {@code operation} the producer counted and the stream never folded, at
     * the last settle; {@link #UNKNOWN} when the producer's totals of it never came
     */
    long missing(String operation) {
        long[] v = settled.get(operation);
        return v == null ? 0 : v[1];
    }

    /** @return the producer's total of {@code operation} at the last settle (0 before any statistics of it) */
    long producerTotal(String operation) {
        long[] v = settled.get(operation);
        return v == null ? 0 : v[0];
    }
}
