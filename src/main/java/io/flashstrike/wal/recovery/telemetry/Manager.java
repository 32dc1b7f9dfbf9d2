package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;

import java.util.Map;
import java.util.TreeMap;

/**
 * Telemetry of the recovery manager (the C++ engine's {@code recovery::telemetry::Manager}): the
 * {@code recover} operation (one per run), segments found and replayed, the last valid LSN and
 * the bytes dropped after it. Written by one {@link ManagerUpdater}; read from any thread.
 */
public final class Manager {
    static final int SEGMENTS_FOUND = 0;
    static final int SEGMENTS_REPLAYED = 1;
    static final int LAST_VALID_LSN = 2;
    static final int DROPPED_BYTES = 3;
    static final int JFR_ERRORS = 4;

    private final Operation64 recover = new Operation64();
    final PaddedCounters counters = new PaddedCounters(5);
    /** Runs stopped or marked by an anomaly; once per run, so a lock is fine. */
    private final Map<Anomaly, Long> anomalies = new TreeMap<>();

    public Manager() {
        counters.setRelease(LAST_VALID_LSN, -1);
    }

    /** @return the {@code recover} metric: one record per recovery run */
    public Operation64 recover() {
        return recover;
    }

    /** @return segment files found by the current or last run */
    public long segmentsFound() {
        return counters.getAcquire(SEGMENTS_FOUND);
    }

    /** @return segments replayed so far */
    public long segmentsReplayed() {
        return counters.getAcquire(SEGMENTS_REPLAYED);
    }

    /** @return LSN of the last record delivered, -1 when none */
    public long lastValidLsn() {
        return counters.getAcquire(LAST_VALID_LSN);
    }

    /** @return bytes after the last valid record that recovery did not deliver */
    public long droppedBytes() {
        return counters.getAcquire(DROPPED_BYTES);
    }

    /** @return JFR commits of this block's event that threw (the run still counted) */
    public long jfrErrors() {
        return counters.getAcquire(JFR_ERRORS);
    }

    /** Counts one anomaly: why ({@code reason}) and what recovery did about it ({@code action}). */
    synchronized void countAnomaly(String reason, String action) {
        anomalies.merge(new Anomaly(reason, action), 1L, Long::sum);
    }

    /**
     * @return runs with an anomaly, by reason and action (failed, stopped, tolerated), a sorted copy
     */
    public synchronized Map<Anomaly, Long> anomalies() {
        return new TreeMap<>(anomalies);
    }

    /** Prints the block's frame; see {@link SegmentPreloader#dump}. */
    public void dump(String label, Appendable out) {
        DumpFrame.open(label, out)
                .operation(" Recover         : ", recover.snapshot())
                .value(" Segments        : ", segmentsReplayed() + " replayed of " + segmentsFound())
                .value(" Last valid LSN  : ", lastValidLsn())
                .value(" Dropped bytes   : ", droppedBytes())
                .value(" Anomalies       : ", anomalies().isEmpty() ? "none" : anomalies().toString())
                .close();
    }

    /**
     * Collects under {@code subsystem="wal_recovery_manager"}: {@code prefix_recover},
     * {@code prefix_segments_found}, {@code prefix_segments_replayed_total},
     * {@code prefix_last_valid_lsn}, {@code prefix_dropped_bytes_total}, {@code prefix_anomalies_total{reason,action}},
     * {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        collector.pushLabel("subsystem", "wal_recovery_manager");
        try {
            recover.collect(prefix + "_recover", collector);
            collector.gauge(prefix + "_segments_found", "Segment files found by the current or last run", segmentsFound());
            collector.counter(prefix + "_segments_replayed_total", "Segments replayed", segmentsReplayed());
            collector.gauge(prefix + "_last_valid_lsn", "LSN of the last record delivered, -1 when none", lastValidLsn());
            collector.counter(prefix + "_dropped_bytes_total", "Bytes after the last valid record not delivered", droppedBytes());
            collector.counter(prefix + "_jfr_errors_total", SegmentPreloader.JFR_ERRORS_HELP, jfrErrors());
            for (Map.Entry<Anomaly, Long> a : anomalies().entrySet()) {
                collector.pushLabel("reason", a.getKey().reason());
                collector.pushLabel("action", a.getKey().action());
                collector.counter(prefix + "_anomalies_total", "Recovery runs that met an anomaly, by reason and what was done",
                        a.getValue());
                collector.popLabel();
                collector.popLabel();
            }
        } finally {
            collector.popLabel();
        }
    }
}
