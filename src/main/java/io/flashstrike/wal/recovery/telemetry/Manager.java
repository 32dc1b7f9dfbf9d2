package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;

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
    /** The frame's label width: the three blocks' dumps line up in a log (the widest reader label). */
    private static final int DUMP_WIDTH = 16;

    final PaddedCounters counters = new PaddedCounters(4);
    private final TelemetryBlock block = new TelemetryBlock("wal_recovery_manager", WalOperations.MANAGER, new Extras());
    final TimedOperation<RecoveryEvent, Status> recover = block.operation(WalOperations.RECOVER);
    /** Runs stopped or marked by an anomaly; once per run, so a lock is fine. */
    private final Map<Anomaly, Long> anomalies = new TreeMap<>();
    /** A mirror's fold only: end of the newest Recovery event folded, ns since the epoch. */
    private long foldedRecoveryEnd = Long.MIN_VALUE;

    public Manager() {
        counters.setRelease(LAST_VALID_LSN, -1);
    }

    /** @return the {@code recover} metric: one record per recovery run */
    public Operation64 recover() {
        return recover.distribution();
    }

    /** @return the operations, their exposition and dump, as every block has them */
    public TelemetryBlock block() {
        return block;
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
        return block.jfrErrors();
    }

    /** Counts one anomaly: why and what recovery did about it. */
    synchronized void countAnomaly(Anomaly anomaly) {
        anomalies.merge(anomaly, 1L, Long::sum);
    }

    /**
     * @return runs with an anomaly, by reason and action (failed, stopped, tolerated), a sorted copy
     */
    public synchronized Map<Anomaly, Long> anomalies() {
        return new TreeMap<>(anomalies);
    }

    /** Prints the block's frame; see {@link SegmentPreloader#dump}. */
    public void dump(String label, Appendable out) {
        block.dump(label, out);
    }

    /**
     * Collects under {@code subsystem="wal_recovery_manager"}: {@code prefix_recover},
     * {@code prefix_segments_found}, {@code prefix_segments_replayed_total},
     * {@code prefix_last_valid_lsn}, {@code prefix_dropped_bytes_total}, {@code prefix_anomalies_total{reason,action}},
     * {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        block.collect(prefix, collector);
    }

    /** The manager's counters beside its {@code recover} operation. */
    private final class Extras implements BlockExtras {
        @Override
        public void collect(String p, MetricsCollector c) {
            c.gauge(p + "_segments_found", "Segment files found by the current or last run", segmentsFound());
            c.counter(p + "_segments_replayed_total", "Segments replayed", segmentsReplayed());
            c.gauge(p + "_last_valid_lsn", "LSN of the last record delivered, -1 when none", lastValidLsn());
            c.counter(p + "_dropped_bytes_total", "Bytes after the last valid record not delivered", droppedBytes());
            for (Map.Entry<Anomaly, Long> a : anomalies().entrySet()) {
                c.pushLabel("reason", a.getKey().reason());
                c.pushLabel("action", a.getKey().action());
                c.counter(p + "_anomalies_total", "Recovery runs that met an anomaly, by reason and what was done", a.getValue());
                c.popLabel();
                c.popLabel();
            }
        }

        @Override
        public int dumpWidth() {
            return DUMP_WIDTH;
        }

        @Override
        public void dump(DumpFrame frame) {
            Map<Anomaly, Long> a = anomalies();
            frame.value("Segments", segmentsReplayed() + " replayed of " + segmentsFound())
                    .value("Last valid LSN", lastValidLsn())
                    .value("Dropped bytes", droppedBytes())
                    .value("Anomalies", a.isEmpty() ? "none" : a.toString());
        }

        @Override
        public void fold(RecordedFields e) {
            foldExtras(e);
        }
    }

    /**
     * A mirror's counters from recorded events, order-free ({@code setOrdered(false)} promises no
     * order, not even within a thread), so that at the end of a run they equal the producer's:
     * <ul>
     *   <li>{@code last_valid_lsn}: during a run it only rises, to the largest {@code lastLsn} of a
     *   {@code ReadSegment} that ended after the newest {@code Recovery} folded (LSNs only grow
     *   within a run); a run's {@code Recovery} sets the run's final value, and late
     *   {@code ReadSegment}s of that run no longer move it;</li>
     *   <li>{@code segments_found}: set by the newest {@code Recovery} (by end time);</li>
     *   <li>a {@code ReadSegment} whose consumer threw (status {@code UNKNOWN}) is not a replayed
     *   segment, as in {@code RecoveryManager}.</li>
     * </ul>
     */
    private void foldExtras(RecordedFields e) {
        if (e.eventName().equals(WalOperations.READ_SEGMENT.eventName())) {
            if (Status.OUTCOMES.parse(e.getString("status")) != Status.UNKNOWN) {
                counters.addRelease(SEGMENTS_REPLAYED, 1);
            }
            long last = e.getLong("lastLsn");
            if (last > lastValidLsn() && e.endNanos() > foldedRecoveryEnd) {
                counters.setRelease(LAST_VALID_LSN, last);
            }
        } else if (e.eventName().equals(WalOperations.RECOVER.eventName())) {
            counters.addRelease(DROPPED_BYTES, e.getLong("droppedBytes"));
            if (e.endNanos() > foldedRecoveryEnd) { // the newest run's final values, whatever came before
                foldedRecoveryEnd = e.endNanos();
                counters.setRelease(SEGMENTS_FOUND, e.getLong("segmentsFound"));
                long lsn = e.getLong("lastValidLsn");
                if (lsn >= 0) {
                    counters.setRelease(LAST_VALID_LSN, lsn);
                }
            }
            String reason = e.getString("reason");
            if (reason != null && !reason.isEmpty()) {
                String action = e.getString("action");
                countAnomaly(new Anomaly(reason, action == null ? "unknown" : action));
            }
        }
    }
}
