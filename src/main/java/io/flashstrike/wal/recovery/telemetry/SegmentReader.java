package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;

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
    static final int JFR_ERRORS = 3;

    private final Operation64 waitForSegment = new Operation64();
    private final Operation64 readSegment = new Operation64();
    final PaddedCounters counters = new PaddedCounters(4);

    /** @return the {@code wait_for_segment} metric */
    public Operation64 waitForSegment() {
        return waitForSegment;
    }

    /** @return the {@code read_segment} metric */
    public Operation64 readSegment() {
        return readSegment;
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
        return counters.getAcquire(JFR_ERRORS);
    }

    /** Prints the block's frame; see {@link SegmentPreloader#dump}. */
    public void dump(String label, Appendable out) {
        DumpFrame.open(label, out)
                .operation(" Wait for segment: ", waitForSegment.snapshot())
                .operation(" Read segment    : ", readSegment.snapshot())
                .value(" Records read    : ", records())
                .value(" Bytes read      : ", bytes())
                .close();
    }

    /**
     * Collects under {@code subsystem="wal_segment_reader"}: {@code prefix_wait_for_segment},
     * {@code prefix_read_segment}, {@code prefix_records_read_total}, {@code prefix_read_bytes_total},
     * {@code prefix_wait_for_segment_fill_seconds_total}, {@code prefix_jfr_errors_total}.
     */
    public void collect(String prefix, MetricsCollector collector) {
        collector.pushLabel("subsystem", "wal_segment_reader");
        try {
            waitForSegment.collect(prefix + "_wait_for_segment", collector);
            readSegment.collect(prefix + "_read_segment", collector);
            collector.counter(prefix + "_records_read_total", "Records delivered to the replay consumer", records());
            collector.counter(prefix + "_read_bytes_total", "Bytes of records delivered to the replay consumer", bytes());
            collector.counter(prefix + "_wait_for_segment_fill_seconds_total",
                    "Replay's wait for the first segment of each run (the pipeline filling, not a stall)", fillWaitNanos() / 1e9);
            collector.counter(prefix + "_jfr_errors_total", SegmentPreloader.JFR_ERRORS_HELP, jfrErrors());
        } finally {
            collector.popLabel();
        }
    }
}
