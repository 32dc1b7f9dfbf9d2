package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.RecordedFields;
import io.flashstrike.wal.recovery.telemetry.TelemetryBlock;
import io.flashstrike.wal.recovery.telemetry.TimedOperation;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import jdk.jfr.consumer.RecordedEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds recorded events back into telemetry blocks, so that the JFR path (a stream of another
 * JVM's events) and the in-memory path (the updaters) produce the same metric families from the
 * same operations. Driven by the blocks' operation descriptions: an event whose name is an
 * operation's is one {@code record} into that operation's distribution, with the event's own
 * duration and the outcome its {@code status} field names (an event without one folds as the
 * operation's first success); then every block folds what the event means for its own counters
 * ({@link TelemetryBlock#foldExtras}). A block of yours folds like the WAL's.
 *
 * <p>Nothing depends on the order of delivery ({@code setOrdered(false)} promises none), so at the
 * end of a run the mirror and the producer agree exactly in every family, provided the recording
 * kept every event (threshold 0, as in {@code jfc/flashstrike-wal.jfc}).
 *
 * <p>Single writer: one thread folds (the stream's).
 */
public final class EventFolder {
    private final WalRecoveryMetrics metrics;
    private final List<TelemetryBlock> blocks;
    private final Map<String, TimedOperation<?, ?>> byEvent = new HashMap<>();
    /** Reused for every event: the folding thread is the only one. */
    private final Fields fields = new Fields();

    /** Folds into the WAL's three blocks. */
    public EventFolder(WalRecoveryMetrics metrics) {
        this(metrics, List.of());
    }

    /** Folds into the WAL's three blocks and {@code more} (an application's own). */
    public EventFolder(WalRecoveryMetrics metrics, List<TelemetryBlock> more) {
        this.metrics = metrics;
        List<TelemetryBlock> all = new ArrayList<>(metrics.blocks());
        all.addAll(more);
        this.blocks = List.copyOf(all);
        for (TelemetryBlock b : blocks) {
            for (TimedOperation<?, ?> op : b.operations()) {
                TimedOperation<?, ?> before = byEvent.putIfAbsent(op.type().eventName(), op);
                if (before != null) {
                    throw new IllegalArgumentException("event " + op.type().eventName() + " is folded into two blocks' operations: "
                            + before.type().name() + " and " + op.type().name() + " (" + b.subsystem() + ")");
                }
            }
        }
    }

    /** @return the WAL metrics folded into */
    public WalRecoveryMetrics metrics() {
        return metrics;
    }

    /** @return every block folded into, the WAL's first */
    public List<TelemetryBlock> blocks() {
        return blocks;
    }

    /** @return the event types this folder understands */
    public Set<String> eventNames() {
        return byEvent.keySet();
    }

    /**
     * Folds one event; other event types are ignored.
     *
     * @return {@code true} when the event was one of the blocks' operations
     */
    public boolean fold(RecordedEvent e) {
        TimedOperation<?, ?> op = byEvent.get(e.getEventType().getName());
        if (op == null) {
            return false;
        }
        fields.event = e;
        var outcomes = op.type().outcomes();
        Enum<?> outcome = e.hasField("status") ? outcomes.parse(e.getString("status")) : outcomes.firstSuccess();
        String idField = op.type().exemplarField();
        if (idField != null && e.hasField(idField)) {
            // The event's end, moved onto this JVM's nanoTime, where the distribution keeps exemplar times.
            long endNanoTime = fields.endNanos() - (System.currentTimeMillis() * 1_000_000L - System.nanoTime());
            op.distribution().record(fields.durationNanos(), outcome, e.getLong(idField), endNanoTime);
        } else {
            op.distribution().record(fields.durationNanos(), outcome);
        }
        for (TelemetryBlock b : blocks) {
            b.foldExtras(fields);
        }
        return true;
    }

    /** One event's fields as the core reads them. */
    private static final class Fields implements RecordedFields {
        RecordedEvent event;

        @Override
        public String eventName() {
            return event.getEventType().getName();
        }

        @Override
        public long durationNanos() {
            return event.getDuration().toNanos();
        }

        @Override
        public long endNanos() {
            Instant t = event.getEndTime();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }

        @Override
        public long getLong(String field) {
            return event.hasField(field) ? event.getLong(field) : 0L;
        }

        @Override
        public boolean getBoolean(String field) {
            return event.hasField(field) && event.getBoolean(field);
        }

        @Override
        public String getString(String field) {
            return event.hasField(field) ? event.getString(field) : null;
        }
    }
}
