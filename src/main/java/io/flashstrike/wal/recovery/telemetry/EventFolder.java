package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import jdk.jfr.consumer.RecordedEvent;

import java.util.Set;

/**
 * Folds recorded {@code flashstrike.wal.*} events into a {@link WalRecoveryMetrics}, so that the
 * JFR path (a stream of another JVM's events) and the in-memory path (the updaters) produce the
 * same metric families from the same operations.
 *
 * <p>Each event is one {@code record} into the same {@link Operation64} the updater would have
 * recorded into, with the event's own duration; counters and gauges follow the same rules. At
 * the end of a run the two agree exactly, provided the recording kept every event (threshold 0,
 * as in {@code jfc/flashstrike-wal.jfc}); during a run, the segments-found gauge and the dropped
 * bytes arrive with the run's final {@code Recovery} event.
 *
 * <p>Single writer: one thread folds (the stream's).
 */
public final class EventFolder {
    /** The event types this folder understands. */
    public static final Set<String> EVENT_NAMES = Set.of(PreloadSegmentEvent.NAME, FinishSegmentEvent.NAME,
            WaitForSegmentEvent.NAME, ReadSegmentEvent.NAME, RecoveryEvent.NAME);

    private final WalRecoveryMetrics metrics;

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
                m.counters.addRelease(Manager.SEGMENTS_REPLAYED, 1);
                long last = e.getLong("lastLsn");
                if (last >= 0) {
                    m.counters.setRelease(Manager.LAST_VALID_LSN, last);
                }
            }
            case RecoveryEvent.NAME -> {
                Manager m = metrics.manager();
                m.recover().record(d, status(e));
                m.counters.setRelease(Manager.SEGMENTS_FOUND, e.getLong("segmentsFound"));
                m.counters.addRelease(Manager.DROPPED_BYTES, e.getLong("droppedBytes"));
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
