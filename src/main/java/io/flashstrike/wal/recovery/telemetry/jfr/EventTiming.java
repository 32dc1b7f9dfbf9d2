package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives a JFR event the operation's real span, from the caller's {@code System.nanoTime()} start,
 * without reading a clock again.
 *
 * <p>JFR adds two private {@code long} fields to every event class when it loads it,
 * {@code startTime} and {@code duration}, in JFR ticks; {@code commit()} keeps them when they are
 * already set. On Linux the tick clock is {@code System.nanoTime()} minus a constant on JDK 17 and
 * 25, but that is an implementation fact, so it is <em>calibrated</em> the first time an event is
 * enabled: {@code begin()} is bracketed by two {@code nanoTime()} reads a few times (the tightest
 * bracket gives the offset), then again after 200 µs (the slope). Three outcomes:
 * <ol>
 *   <li>slope 1 (within 0.1 %): ticks = nanos + offset, integer arithmetic (the usual case);</li>
 *   <li>another stable slope (a TSC tick clock): ticks = t0 + (nanos - n0) * slope;</li>
 *   <li>no fields or no sane slope: {@link #setSpan} returns {@code false} and the caller lets JFR
 *   time the event itself; its span then covers only the {@code on...} call. The in-memory
 *   aggregates are exact in every case. A warning is logged once.</li>
 * </ol>
 *
 * <p>A record, not a class, for speed: the JIT trusts a record's final fields, so in a
 * {@code static final EventTiming} the two handles fold to constants and each span store is a
 * plain field store. With a plain class they were loaded and invoked as non-constant
 * {@code VarHandle}s: 6 ns per span on JDK 17, 0.5 ns as a record (docs/BENCHMARKS.md, "Zero overhead").
 * Build instances with {@link #of}; the components are {@code null} where the fields are absent.
 *
 * @param startTime the event class's {@code startTime} field, in ticks
 * @param duration  the event class's {@code duration} field, in ticks
 */
public record EventTiming(VarHandle startTime, VarHandle duration) {
    /** Created on first use: the updaters load this class, and a library must not initialise java.util.logging. */
    private static final class Log {
        static final Logger LOG = Logger.getLogger(EventTiming.class.getName());
    }

    static final int UNCALIBRATED = 0;
    static final int EXACT = 1;
    static final int LINEAR = 2;
    static final int FAILED = 3;

    /** Calibration is per JVM: the tick clock's origin and rate do not change. */
    private static volatile int mode = UNCALIBRATED;
    private static long offset;
    private static long originNanos;
    private static long originTicks;
    private static double ticksPerNano;

    /** @return the timing accessor for {@code eventClass}; never null */
    public static EventTiming of(Class<? extends Event> eventClass) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(eventClass, MethodHandles.lookup());
            return new EventTiming(lookup.findVarHandle(eventClass, "startTime", long.class),
                    lookup.findVarHandle(eventClass, "duration", long.class));
        } catch (ReflectiveOperationException | IllegalAccessError | SecurityException e) {
            return new EventTiming(null, null);
        }
    }

    /**
     * Sets {@code event}'s start to {@code startNanos} and its duration to {@code durationNanos}.
     * Call only when {@code event.isEnabled()}.
     *
     * @return {@code false} when the span cannot be set here (see the class comment, case 3)
     */
    public boolean setSpan(Event event, long startNanos, long durationNanos) {
        int m = mode;
        if (m == EXACT && startTime != null) { // a constant in a static final EventTiming: the check folds away
            startTime.set(event, startNanos + offset);
            // A zero duration would make commit() measure its own; 1 tick is the honest minimum.
            duration.set(event, Math.max(1L, durationNanos));
            return true;
        }
        return setSpanSlow(m, event, startNanos, durationNanos);
    }

    /**
     * {@link #setSpan}, or, where the span cannot be set, {@code event.begin()} so that JFR times
     * the commit itself (case 3). Call only when {@code event.isEnabled()}.
     */
    public void spanOrBegin(Event event, long startNanos, long durationNanos) {
        if (!setSpan(event, startNanos, durationNanos)) {
            event.begin();
        }
    }

    private boolean setSpanSlow(int m, Event event, long startNanos, long durationNanos) {
        if (startTime == null) {
            return false; // this class has no span fields: JFR times it, and it must not calibrate for the others
        }
        if (m == UNCALIBRATED) {
            m = calibrate(event);
        }
        if (m == EXACT) {
            return setSpan(event, startNanos, durationNanos);
        }
        if (m == LINEAR) {
            startTime.set(event, originTicks + Math.round((startNanos - originNanos) * ticksPerNano));
            duration.set(event, Math.max(1L, Math.round(durationNanos * ticksPerNano)));
            return true;
        }
        return false;
    }

    /** @return {@code true} once calibration chose case 1 or 2 */
    public static boolean calibrated() {
        int m = mode;
        return m == EXACT || m == LINEAR;
    }

    private int calibrate(Event probe) {
        synchronized (EventTiming.class) {
            if (mode != UNCALIBRATED) {
                return mode;
            }
            int result = FAILED;
            try {
                long[] first = sample(probe);
                long spinUntil = System.nanoTime() + 200_000;
                while (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                Fit fit = Fit.of(first, sample(probe));
                result = fit.mode();
                offset = fit.offset();
                originNanos = first[0];
                originTicks = first[1];
                ticksPerNano = fit.ticksPerNano();
            } catch (RuntimeException e) {
                Log.LOG.log(Level.FINE, "JFR tick calibration failed", e);
            }
            if (result == FAILED) {
                Log.LOG.warning("flashstrike: cannot map System.nanoTime() to JFR ticks on this JVM;"
                        + " WAL events are timed by JFR at commit, the in-memory metrics stay exact");
            }
            mode = result;
            return result;
        }
    }

    /**
     * What two calibration samples say, as a pure function of them (so each case is testable with
     * made-up clocks): slope 1 within 0.1 % is {@code EXACT} with ticks = nanos + offset; another
     * positive finite slope is {@code LINEAR}; no ticks (begin() set nothing) or no sane slope is
     * {@code FAILED}.
     *
     * @param mode         {@code 1} exact, {@code 2} linear, {@code 3} failed
     * @param offset       ticks - nanos at the first sample (exact)
     * @param ticksPerNano the slope (linear)
     */
    record Fit(int mode, long offset, double ticksPerNano) {
        /** @param first {nanos, ticks}, @param second {nanos, ticks} a little later */
        static Fit of(long[] first, long[] second) {
            double slope = (double) (second[1] - first[1]) / (second[0] - first[0]);
            if (first[1] == 0 || second[1] == 0 || !(slope > 0) || !Double.isFinite(slope)) {
                return new Fit(FAILED, 0, 0);
            }
            if (Math.abs(slope - 1.0) < 1e-3) {
                return new Fit(EXACT, first[1] - first[0], 1.0);
            }
            return new Fit(LINEAR, 0, slope);
        }
    }

    /** @return {nanos at the middle of the tightest bracket, ticks set by begin()} */
    private long[] sample(Event probe) {
        long bestSpan = Long.MAX_VALUE;
        long[] best = {0, 0};
        for (int i = 0; i < 16; i++) {
            long before = System.nanoTime();
            probe.begin();
            long after = System.nanoTime();
            if (after - before < bestSpan) {
                bestSpan = after - before;
                best[0] = before + (after - before) / 2;
                best[1] = (long) startTime.get(probe);
            }
        }
        return best;
    }
}
