package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.PaddedCounters;
import jdk.jfr.Event;

/**
 * One operation of one telemetry block: its padded distribution ({@link Operation64}), the event
 * object its writer reuses, and the JFR commits that threw. Recorded through its
 * {@link OperationType} ({@link OperationType#end}, {@link OperationType#complete}); read from
 * any thread through {@link #distribution()} and {@link #jfrErrors()}.
 *
 * <p>Single writer: one thread records (it reuses one event object); readers never block it.
 *
 * @param <E> the event class
 * @param <O> the outcome enum
 */
public final class TimedOperation<E extends Event, O extends Enum<O>> {
    private final OperationType<E, O> type;
    private final Operation64 distribution;
    /** Written by the writer only when a JFR commit throws; off the hot path. */
    private final PaddedCounters jfrErrors = new PaddedCounters(1);
    /** The writer's reused event: one per operation kind, never shared between threads. */
    final E event;
    /** The duration {@link OperationType#end} measured, for {@link OperationType#complete}: the writer's own. */
    long pendingNanos;
    /** When the operation {@link OperationType#end} measured ended ({@code System.nanoTime()}): the writer's own. */
    long pendingEndNanoTime;

    public TimedOperation(OperationType<E, O> type) {
        this.type = type;
        this.distribution = new Operation64(type.outcomes(), type.exemplarLabel());
        this.event = type.access().newEvent();
    }

    public OperationType<E, O> type() {
        return type;
    }

    /** @return the padded distribution (count by outcome, total, min, max, latency) */
    public Operation64 distribution() {
        return distribution;
    }

    /** @return the duration of the operation last ended, in nanoseconds; the writer's thread only */
    public long lastNanos() {
        return pendingNanos;
    }

    /** @return JFR commits of this operation's events that threw (the operations still counted) */
    public long jfrErrors() {
        return jfrErrors.getAcquire(0);
    }

    void jfrError() {
        jfrErrors.addRelease(0, 1);
    }

    @Override
    public String toString() {
        return "TimedOperation[" + type.name() + "]";
    }
}
