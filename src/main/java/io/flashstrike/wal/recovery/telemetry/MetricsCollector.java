package io.flashstrike.wal.recovery.telemetry;

/**
 * Receives metric values from telemetry blocks, Prometheus style, with a stack of labels.
 *
 * <p>{@link #pushLabel} adds a label that applies to every value collected until the matching
 * {@link #popLabel}; pushes nest, so a block can say {@code subsystem="wal_recovery_worker"} once
 * and each operation below it add {@code outcome}/{@code status}. Names are full metric names in
 * base units (seconds, bytes); a counter's name ends in {@code _total}.
 *
 * <p>Collectors are used by one thread at a time (a scrape, a dump); they are not the hot path.
 */
public interface MetricsCollector {

    /**
     * Pushes a label onto the stack.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid label name or {@code value} is null
     */
    void pushLabel(String name, String value);

    /**
     * Pops the most recently pushed label.
     *
     * @throws IllegalStateException if the stack is empty
     */
    void popLabel();

    /** A monotonically increasing count; {@code name} ends in {@code _total}. */
    void counter(String name, String help, double value);

    /** A value that can go up and down. */
    void gauge(String name, String help, double value);

    /**
     * A latency distribution, exposed as a histogram: its buckets, their count, and the sum of the
     * observations. Which bounds the exposition uses is the collector's choice (see
     * {@link HistogramBounds}); {@code name} is the family's base name in seconds, e.g.
     * {@code x_duration_seconds}.
     *
     * @param latency    the durations, in nanoseconds
     * @param sumSeconds their sum, in seconds
     */
    void histogram(String name, String help, LatencyDistribution latency, double sumSeconds);
}
