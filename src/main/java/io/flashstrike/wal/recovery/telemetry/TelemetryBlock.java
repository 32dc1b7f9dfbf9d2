package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PeriodicStatistics;
import jdk.jfr.Event;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A telemetry block: the timed operations of one component, exported under one
 * {@code subsystem} label and dumped as one frame. The WAL's blocks ({@link SegmentPreloader},
 * {@link SegmentReader}, {@link Manager}) are each one of these plus counters of their own;
 * an application's own operations can be one too:
 * <pre>{@code
 * TelemetryBlock block = TelemetryBlock.of("fetcher", FETCH);
 * TimedOperation<FetchEvent, Outcome> fetch = block.operation(FETCH);
 * }</pre>
 * Single writer per operation (see {@link TimedOperation}); read from any thread.
 */
public final class TelemetryBlock {
    private static final AtomicLong IDS = new AtomicLong();
    /** The help of {@code prefix_jfr_errors_total}, one family for every block. */
    static final String JFR_ERRORS_HELP = "JFR event commits that threw; the operation was counted in the metrics regardless";

    private final String subsystem;
    private final List<TimedOperation<?, ?>> operations;
    private final long id = IDS.incrementAndGet();
    private final BlockExtras extras;

    TelemetryBlock(String subsystem, List<? extends OperationType<?, ?>> types, BlockExtras extras) {
        this.subsystem = subsystem;
        List<TimedOperation<?, ?>> ops = new ArrayList<>();
        for (OperationType<?, ?> t : types) {
            if (ops.stream().anyMatch(o -> o.type().name().equals(t.name()))) {
                throw new IllegalArgumentException("operation " + t.name() + " twice in block " + subsystem);
            }
            ops.add(new TimedOperation<>(t));
        }
        this.operations = List.copyOf(ops);
        this.extras = extras;
    }

    /** A block of {@code types}, exported under {@code subsystem="<subsystem>"}. */
    public static TelemetryBlock of(String subsystem, OperationType<?, ?>... types) {
        return new TelemetryBlock(subsystem, List.of(types), BlockExtras.NONE);
    }

    /** @return the block's operation described by {@code type} */
    @SuppressWarnings("unchecked")
    public <E extends Event, O extends Enum<O>> TimedOperation<E, O> operation(OperationType<E, O> type) {
        for (TimedOperation<?, ?> op : operations) {
            if (op.type().equals(type)) {
                return (TimedOperation<E, O>) op;
            }
        }
        throw new IllegalArgumentException("block " + subsystem + " has no operation " + type.name());
    }

    /** @return the operations, in the order they were described */
    public List<TimedOperation<?, ?>> operations() {
        return operations;
    }

    /** @return the {@code subsystem} label value */
    public String subsystem() {
        return subsystem;
    }

    /** @return this block's identity within the JVM */
    public long id() {
        return id;
    }

    /** @return JFR commits of this block's events that threw (the operations still counted) */
    public long jfrErrors() {
        long n = 0;
        for (TimedOperation<?, ?> op : operations) {
            n += op.jfrErrors();
        }
        return n;
    }

    /**
     * Starts this block's periodic {@value OperationStatisticsEvent#NAME} events (one per operation,
     * at the period a recording gives them) until the returned handle is closed; closing emits the
     * final totals once more, then stops. A stream compares these totals with what it folded
     * ({@code stream_missing_events}). The owner that records into the block opens them and closes
     * them when it is done: an open block is in every recording that enables the event.
     */
    public Statistics openStatistics() {
        return new Statistics(PeriodicStatistics.register(OperationStatisticsEvent.class, this, TelemetryBlock::emitStatistics));
    }

    /** An open {@link #openStatistics()}; closing it is idempotent and never throws. */
    public static final class Statistics implements AutoCloseable {
        private final PeriodicStatistics.Registration registration;
        private boolean closed;

        private Statistics(PeriodicStatistics.Registration registration) {
            this.registration = registration;
        }

        /** Emits the final totals (when a recording enables the event), then no more periods. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                registration.emit();
            } catch (RuntimeException | Error e) {
                // JFR failing here must not fail the owner; the in-memory figures are intact
            } finally {
                registration.close();
            }
        }
    }

    private static void emitStatistics(TelemetryBlock block) {
        block.emitStatistics("", false);
    }

    /** One {@value OperationStatisticsEvent#NAME} per operation, when a recording enables the event. */
    void emitStatistics(String labels, boolean finished) {
        for (TimedOperation<?, ?> op : operations) {
            OperationStatisticsEvent e = new OperationStatisticsEvent();
            if (!e.shouldCommit()) {
                return;
            }
            Operation64.Snapshot s = op.distribution().snapshot();
            e.blockId = id;
            e.subsystem = subsystem;
            e.operation = op.type().name();
            e.labels = labels;
            e.finished = finished;
            e.successes = s.successes();
            e.failures = s.failures();
            e.total = s.totalNanos();
            e.p99 = s.percentileNanos(99);
            e.max = s.maxNanos();
            e.commit();
        }
    }

    /**
     * Folds what a recorded event of any block means for this block's own counters (beyond its
     * operations' distributions, which the stream folds from their descriptions). The mirror's
     * single writer only.
     */
    public void foldExtras(RecordedFields event) {
        extras.fold(event);
    }

    /**
     * Prints the frame, one line per operation ({@code Label: X ms | count N | failures F | mean M ms
     * | p99 P ms | max Z ms}, X the total time):
     * <pre>
     * [label Metrics] Snapshot:
     * -----------------------------------------------------------------
     *  Preload segment: X ms | count N | ...
     * -----------------------------------------------------------------
     * </pre>
     *
     * @throws UncheckedIOException if {@code out} throws
     */
    public void dump(String label, Appendable out) {
        int width = extras.dumpWidth();
        for (TimedOperation<?, ?> op : operations) {
            width = Math.max(width, op.type().label().length());
        }
        for (String l : extras.dumpLabels()) {
            width = Math.max(width, l.length());
        }
        DumpFrame frame = DumpFrame.open(label, out, width);
        for (TimedOperation<?, ?> op : operations) {
            frame.operation(op.type().label(), op.distribution().snapshot());
        }
        extras.dump(frame);
        frame.close();
    }

    /**
     * Collects under {@code subsystem="<subsystem>"}: each operation as {@code prefix_<name>} (see
     * {@link Operation64#collect}), then the block's own families, then {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        collector.pushLabel("subsystem", subsystem);
        try {
            for (TimedOperation<?, ?> op : operations) {
                op.distribution().collect(prefix + "_" + op.type().name(), collector);
            }
            extras.collect(prefix, collector);
            collector.counter(prefix + "_jfr_errors_total", JFR_ERRORS_HELP, jfrErrors());
        } finally {
            collector.popLabel();
        }
    }
}
