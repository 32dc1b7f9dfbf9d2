package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import jdk.jfr.consumer.RecordedEvent;

import java.time.Instant;
import java.util.Set;

/**
 * Folds recorded {@code flashstrike.wal.*} events into a {@link WalRecoveryMetrics}, so that the
 * JFR path (a stream of another JVM's events) and the in-memory path (the updaters) produce the
 * same metric families from the same operations.
 *
 * <p>Each event is one {@code record} into the same {@link Operation64} the updater would have
 * recorded into, with the event's own duration; counters add. Nothing depends on the order of
 * delivery ({@code setOrdered(false)} promises none, not even within a thread), so at the end of
 * a run the two agree exactly in every family, provided the recording kept every event
 * (threshold 0, as in {@code jfc/flashstrike-wal.jfc}). The gauges are made order-free:
 * <ul>
 *   <li>{@code last_valid_lsn}: during a run it only rises, to the largest {@code lastLsn} of a
 *   {@code ReadSegment} that ended after the newest {@code Recovery} folded (LSNs only grow within
 *   a run); a run's {@code Recovery} event sets the run's final value, and late {@code ReadSegment}
 *   events of that run no longer move it;</li>
 *   <li>{@code segments_found}: set by the newest {@code Recovery} event (by end time);</li>
 *   <li>a {@code ReadSegment} whose consumer threw (status {@code UNKNOWN}) is not a replayed
 *   segment, as in {@code RecoveryManager}.</li>
 * </ul>
 * During a run, the segments-found gauge and the dropped bytes arrive with the run's {@code Recovery}.
 *
 * <p>Single writer: one thread folds (the stream's).
 */
public final class EventFolder {
    /** The event types this folder understands. */
    public static final Set<String> EVENT_NAMES = Set.of(PreloadSegmentEvent.NAME, FinishSegmentEvent.NAME,
            WaitForSegmentEvent.NAME, ReadSegmentEvent.NAME, RecoveryEvent.NAME);

    private final WalRecoveryMetrics metrics;
    /** End of the newest Recovery event folded, in ns since the epoch; a run's ReadSegments end before it. */
    private long lastRecoveryEnd = Long.MIN_VALUE;

    public EventFolder(WalRecoveryMetrics metrics) {
        this.metrics = metrics;
    }

    /** @return the metrics folded into */
    public WalRecoveryMetrics metrics() {
        return metrics;
    }

    /**
     * Folds one event; other event types are ignored.
     *
     * @return {@code true} when the event was one of ours
     */
    public boolean fold(RecordedEvent e) {
        long d = e.getDuration().toNanos();
        switch (e.getEventType().getName()) {
            case PreloadSegmentEvent.NAME -> metrics.segmentPreloader().preloadSegment().record(d, status(e));
            case FinishSegmentEvent.NAME -> metrics.segmentPreloader().finishSegment().record(d, status(e));
            case WaitForSegmentEvent.NAME -> {
                metrics.segmentReader().waitForSegment().record(d, Status.OK);
                if (e.hasField("fill") && e.getBoolean("fill")) {
                    metrics.segmentReader().counters.addRelease(SegmentReader.FILL_NANOS, d);
                }
            }
            case ReadSegmentEvent.NAME -> {
                SegmentReader r = metrics.segmentReader();
                r.readSegment().record(d, status(e));
                r.counters.addRelease(SegmentReader.RECORDS, e.getLong("records"));
                r.counters.addRelease(SegmentReader.BYTES, e.getLong("bytes"));
                Manager m = metrics.manager();
                if (status(e) != Status.UNKNOWN) {
                    m.counters.addRelease(Manager.SEGMENTS_REPLAYED, 1);
                }
                long last = e.getLong("lastLsn");
                if (last > m.lastValidLsn() && endNanos(e) > lastRecoveryEnd) {
                    m.counters.setRelease(Manager.LAST_VALID_LSN, last);
                }
            }
            case RecoveryEvent.NAME -> {
                Manager m = metrics.manager();
                m.recover().record(d, status(e));
                m.counters.addRelease(Manager.DROPPED_BYTES, e.getLong("droppedBytes"));
                long end = endNanos(e);
                if (end > lastRecoveryEnd) { // the newest run's final values, whatever came before
                    lastRecoveryEnd = end;
                    m.counters.setRelease(Manager.SEGMENTS_FOUND, e.getLong("segmentsFound"));
                    long lsn = e.getLong("lastValidLsn");
                    if (lsn >= 0) {
                        m.counters.setRelease(Manager.LAST_VALID_LSN, lsn);
                    }
                }
                String reason = e.hasField("reason") ? e.getString("reason") : null;
                if (reason != null && !reason.isEmpty()) {
                    String action = e.getString("action");
                    m.countAnomaly(reason, action == null ? "unknown" : action);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long endNanos(RecordedEvent e) {
        Instant t = e.getEndTime();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The event's status; a missing or unknown name folds as {@link Status#UNKNOWN}, never lost. */
    static Status status(RecordedEvent e) {
        String name = e.hasField("status") ? e.getString("status") : null;
        if (name != null) {
            for (Status s : Status.values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
        }
        return Status.UNKNOWN;
    }
}
