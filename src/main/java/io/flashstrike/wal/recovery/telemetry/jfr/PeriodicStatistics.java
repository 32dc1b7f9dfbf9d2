package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Emits periodic statistics events for live telemetry blocks.
 *
 * <p>One JFR periodic hook per event class, added on the first registration; JFR calls it at the
 * period the recording's settings give (1 s in {@code jfc/flashstrike-wal.jfc}). JFR's periodic
 * clock is JVM-wide, not per recording: every registered block lands in every recording that
 * enables the event. So the owner of a block says when it is done ({@link Registration#close()}),
 * and from then on the block is in no recording. A registration whose owner forgets to close it
 * holds the owner only weakly: the block stops being reported once it is collected.
 *
 * <p>Thread-safe: register, close and JFR's periodic thread synchronise on this class; emitters run
 * outside the lock.
 */
public final class PeriodicStatistics {
    private static final Map<Class<? extends Event>, Set<Registration>> SOURCES = new HashMap<>();

    private PeriodicStatistics() {
    }

    /**
     * Registers {@code owner} so that {@code emitter} is called with it at every period of
     * {@code eventClass}, until the returned registration is closed. The emitter must not capture
     * {@code owner}, or a forgotten registration is never collected.
     */
    @SuppressWarnings("unchecked")
    public static synchronized <T> Registration register(Class<? extends Event> eventClass, T owner,
                                                         Consumer<? super T> emitter) {
        Set<Registration> sources = SOURCES.get(eventClass);
        if (sources == null) {
            Set<Registration> created = new LinkedHashSet<>();
            sources = created;
            SOURCES.put(eventClass, created);
            FlightRecorder.addPeriodicEvent(eventClass, () -> emitAll(created));
        }
        Registration r = new Registration(sources, owner, (Consumer<Object>) emitter);
        sources.add(r);
        return r;
    }

    /** @return how many registrations of {@code eventClass} are open and whose owner is alive */
    public static synchronized int registered(Class<? extends Event> eventClass) {
        Set<Registration> sources = SOURCES.get(eventClass);
        if (sources == null) {
            return 0;
        }
        sources.removeIf(r -> r.owner.get() == null);
        return sources.size();
    }

    private static void emitAll(Set<Registration> sources) {
        List<Registration> live;
        synchronized (PeriodicStatistics.class) {
            sources.removeIf(r -> r.owner.get() == null);
            live = new ArrayList<>(sources);
        }
        for (Registration r : live) {
            r.emit();
        }
    }

    /** One owner's place in the periodic emission; closing it is idempotent. */
    public static final class Registration implements AutoCloseable {
        private final Set<Registration> sources;
        private final WeakReference<Object> owner;
        private final Consumer<Object> emitter;

        private Registration(Set<Registration> sources, Object owner, Consumer<Object> emitter) {
            this.sources = sources;
            this.owner = new WeakReference<>(owner);
            this.emitter = emitter;
        }

        /** Emits the owner's event now, as the periodic hook would (no-op once the owner is gone). */
        public void emit() {
            Object o = owner.get();
            if (o != null) {
                emitter.accept(o);
            }
        }

        /** Takes the owner out of every later period, at once. */
        @Override
        public void close() {
            synchronized (PeriodicStatistics.class) {
                sources.remove(this);
            }
        }
    }
}
