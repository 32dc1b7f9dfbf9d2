package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;

import java.util.List;

/**
 * Telemetry of the replay thread's segment reader (the C++ engine's
 * {@code recovery::telemetry::SegmentReader}).
 * <ul>
 *   <li>{@code wait_for_segment}: time the replay thread blocked waiting for the preloader to hand
 *   over the next segment — the number that says whether the preloader keeps up;</li>
 *   <li>{@code read_segment}: time to read one preloaded segment and deliver its records;</li>
 *   <li>records and bytes delivered, published once per segment.</li>
 * </ul>
 * Written by one {@link SegmentReaderUpdater} (the replay thread); read from any thread.
 */
public final class SegmentReader {
    static final int RECORDS = 0;
    static final int BYTES = 1;
    static final int FILL_NANOS = 2;

    final PaddedCounters counters = new PaddedCounters(3);
    private final TelemetryBlock block = new TelemetryBlock("wal_segment_reader", WalOperations.READER, new Extras());
    final TimedOperation<WaitForSegmentEvent, Status> waitFor = block.operation(WalOperations.WAIT_FOR_SEGMENT);
    final TimedOperation<ReadSegmentEvent, Status> read = block.operation(WalOperations.READ_SEGMENT);

    /** @return the {@code wait_for_segment} metric */
    public Operation64 waitForSegment() {
        return waitFor.distribution();
    }

    /** @return the {@code read_segment} metric */
    public Operation64 readSegment() {
        return read.distribution();
    }

    /** @return the operations, their exposition and dump, as every block has them */
    public TelemetryBlock block() {
        return block;
    }

    /** @return records delivered so far */
    public long records() {
        return counters.getAcquire(RECORDS);
    }

    /** @return bytes of records delivered so far */
    public long bytes() {
        return counters.getAcquire(BYTES);
    }

    /**
     * @return nanoseconds replay waited for the first segment of each run, summed over runs: the
     *         pipeline filling. The rest of {@code wait_for_segment} is the preloader falling behind.
     */
    public long fillWaitNanos() {
        return counters.getAcquire(FILL_NANOS);
    }

    /** @return JFR commits of this block's events that threw (the operations still counted) */
    public long jfrErrors() {
        return block.jfrErrors();
    }

    /** Prints the block's frame; see {@link SegmentPreloader#dump}. */
    public void dump(String label, Appendable out) {
        block.dump(label, out);
    }

    /**
     * Collects under {@code subsystem="wal_segment_reader"}: {@code prefix_wait_for_segment},
     * {@code prefix_read_segment}, {@code prefix_records_read_total}, {@code prefix_read_bytes_total},
     * {@code prefix_wait_for_segment_fill_seconds_total}, {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        block.collect(prefix, collector);
    }

    /** The reader's counters beside its two operations. */
    private final class Extras implements BlockExtras {
        @Override
        public void collect(String p, MetricsCollector c) {
            c.counter(p + "_records_read_total", "Records delivered to the replay consumer", records());
            c.counter(p + "_read_bytes_total", "Bytes of records delivered to the replay consumer", bytes());
            c.counter(p + "_wait_for_segment_fill_seconds_total",
                    "Replay's wait for the first segment of each run (the pipeline filling, not a stall)", fillWaitNanos() / 1e9);
        }

        @Override
        public List<String> dumpLabels() {
            return List.of("Records read", "Bytes read");
        }

        @Override
        public void dump(DumpFrame frame) {
            frame.value("Records read", records()).value("Bytes read", bytes());
        }

        @Override
        public void fold(RecordedFields e) {
            foldExtras(e);
        }
    }

    /** A mirror's counters from a recorded event: what {@link SegmentReaderUpdater} adds beside the distributions. */
    private void foldExtras(RecordedFields e) {
        if (e.eventName().equals(WalOperations.READ_SEGMENT.eventName())) {
            counters.addRelease(RECORDS, e.getLong("records"));
            counters.addRelease(BYTES, e.getLong("bytes"));
        } else if (e.eventName().equals(WalOperations.WAIT_FOR_SEGMENT.eventName()) && e.getBoolean("fill")) {
            counters.addRelease(FILL_NANOS, e.durationNanos());
        }
    }
}
