package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.stream.WalEventStream;

/**
 * What a sidecar's /metrics shows across the producers it follows one after another: nothing
 * followed yet (zeros, {@code stream_closed 1}), then a producer's stream; once that producer is
 * gone its last values stay, with {@code stream_closed 1}, until the next producer's stream
 * delivers its first batch. Then the counters restart from 0 — a reset, as Prometheus' {@code rate}
 * and {@code increase} expect — and {@code stream_producer_start_time_seconds} changes with them.
 */
final class Succession {
    /** Null until the first producer is followed. Any thread reads; the sidecar's and the streams' threads write. */
    private volatile WalEventStream served;

    /** Serves {@code next} now if nothing was served yet, else from its first batch on. Before it starts. */
    void follow(WalEventStream next) {
        if (served == null) {
            served = next;
        } else {
            next.onFlush(() -> served = next);
        }
    }

    void collect(String prefix, MetricsCollector c) {
        WalEventStream s = served;
        if (s == null) {
            WalEventStream.collectNone(prefix, c);
        } else {
            s.collect(prefix, c);
        }
    }
}
