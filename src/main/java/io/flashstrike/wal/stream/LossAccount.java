package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import jdk.jfr.consumer.RecordedEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What a stream did not see: bytes JFR says it lost ({@value #DATA_LOSS}) and operations the
 * producer counted but the stream never folded. The producer's own totals come with
 * {@value SegmentPreloaderStatisticsEvent#NAME} (periodic, and once more when an updater closes):
 * per block, the largest total seen is the latest (totals only grow), so the account is order-free.
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
    /** The operation label values, in {@link #missing} index order. */
    static final String[] OPERATIONS = {"preload_segment", "finish_segment"};
    /** Created on first use: the agent loads this class in JVMs that install their own LogManager later. */
    private static final class Log {
        static final Logger LOG = Logger.getLogger(LossAccount.class.getName());
    }

    private final String source;
    /** blockId -> {preload total, finish total}, the largest seen. */
    private final Map<Long, long[]> producer = new HashMap<>();
    private volatile long lostBytes;
    private final long[] producerTotals = new long[2];
    private volatile long missingPreload;
    private volatile long missingFinish;

    LossAccount(String source) {
        this.source = source;
    }

    /** @return {@code true} when {@code e} was a loss or statistics event, now counted */
    synchronized boolean fold(RecordedEvent e) {
        String name = e.getEventType().getName();
        if (DATA_LOSS.equals(name)) {
            lostBytes += e.getLong("amount");
            return true;
        }
        if (!SegmentPreloaderStatisticsEvent.NAME.equals(name)) {
            return false;
        }
        long[] t = producer.computeIfAbsent(e.getLong("blockId"), id -> new long[2]);
        t[0] = Math.max(t[0], e.getLong("preloadSuccesses") + e.getLong("preloadFailures"));
        t[1] = Math.max(t[1], e.getLong("finishSuccesses") + e.getLong("finishFailures"));
        return true;
    }

    /** Recomputes what is missing against {@code mirror}; logs once each time it becomes non-zero. */
    synchronized void settle(WalRecoveryMetrics mirror) {
        long preload = 0;
        long finish = 0;
        for (long[] t : producer.values()) {
            preload += t[0];
            finish += t[1];
        }
        producerTotals[0] = preload;
        producerTotals[1] = finish;
        SegmentPreloader folded = mirror.segmentPreloader();
        long mp = Math.max(0, preload - folded.preloadSegment().snapshot().count());
        long mf = Math.max(0, finish - folded.finishSegment().snapshot().count());
        boolean wasZero = missingPreload == 0 && missingFinish == 0;
        missingPreload = mp;
        missingFinish = mf;
        if (wasZero && (mp > 0 || mf > 0)) {
            Log.LOG.warning("flashstrike: the stream from " + source + " is missing " + mp + " preload_segment and " + mf
                    + " finish_segment events the producer counted (" + lostBytes + " bytes lost by JFR so far;"
                    + " also a threshold above 0 or a stream started after the operations); the mirror undercounts");
        }
    }

    /** @return bytes JFR reported lost ({@code jdk.DataLoss} amounts), summed */
    long lostBytes() {
        return lostBytes;
    }

    /** @return operations of {@code OPERATIONS[op]} the producer counted and the stream never folded, at the last settle */
    long missing(int op) {
        return op == 0 ? missingPreload : missingFinish;
    }

    /** @return the producer's total of {@code OPERATIONS[op]} at the last settle */
    synchronized long producerTotal(int op) {
        return producerTotals[op];
    }
}
