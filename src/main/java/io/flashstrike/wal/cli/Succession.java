package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.stream.WalEventStream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a sidecar's /metrics shows across the producers it follows one after another: before the
 * first producer's first batch, zeros and {@code stream_closed 1}; then that producer's stream;
 * once that producer is gone its last values stay, with {@code stream_closed 1}, until the next
 * producer's stream delivers its first batch (see {@link #follow}). Then the counters restart from 0 — a reset, as Prometheus' {@code rate}
 * and {@code increase} expect — and {@code stream_producer_start_time_seconds} changes with them.
 */
final class Succession {
    /** Null until the first producer's first batch. Any thread reads; the streams' threads write. */
    private volatile WalEventStream served;

    /**
     * A producer with any recovery reports its totals every statistics period (1 s in the shipped
     * .jfc), so a stream that has neither totals nor events after this many batches follows a
     * producer with nothing to report yet.
     */
    private static final int QUIET_BATCHES = 3;

    /**
     * Serves {@code next} from its first batch that settled the producer's totals (or folded an
     * event; or its third batch, for a producer with nothing to report): a sidecar started late
     * then shows what it missed from its first scrape, never a 0 that checked nothing — the
     * repository's first batch can end before the producer's statistics are read. Call before the
     * stream starts.
     */
    void follow(WalEventStream next) {
        AtomicInteger batches = new AtomicInteger();
        next.onFlush(() -> {
            if (served != next && (next.producerReported() || next.eventsSeen() > 0 || batches.incrementAndGet() >= QUIET_BATCHES)) {
                served = next;
            }
        });
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
