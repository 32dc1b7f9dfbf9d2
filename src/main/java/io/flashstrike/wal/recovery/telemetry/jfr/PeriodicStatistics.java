package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * Emits periodic statistics events for live telemetry blocks.
 *
 * <p>Blocks are held weakly: a block that is no longer referenced stops being reported and is
 * collected. One JFR periodic hook per event class, added on the first registration; JFR calls it
 * at the period the recording's settings give (1 s in {@code jfc/flashstrike-wal.jfc}).
 */
public final class PeriodicStatistics {
    private static final Map<Class<? extends Event>, WeakHashMap<Object, Consumer<Object>>> SOURCES = new HashMap<>();

    private PeriodicStatistics() {
    }

    /**
     * Registers {@code owner} so that {@code emitter} is called with it at every period of
     * {@code eventClass}. The emitter must not capture {@code owner}, or it is never collected.
     */
    @SuppressWarnings("unchecked")
    public static synchronized <T> void register(Class<? extends Event> eventClass, T owner, Consumer<? super T> emitter) {
        WeakHashMap<Object, Consumer<Object>> sources = SOURCES.get(eventClass);
        if (sources == null) {
            WeakHashMap<Object, Consumer<Object>> created = new WeakHashMap<>();
            sources = created;
            SOURCES.put(eventClass, created);
            FlightRecorder.addPeriodicEvent(eventClass, () -> emitAll(created));
        }
        sources.put(owner, (Consumer<Object>) emitter);
    }

    private static void emitAll(WeakHashMap<Object, Consumer<Object>> sources) {
        List<Map.Entry<Object, Consumer<Object>>> live;
        synchronized (PeriodicStatistics.class) {
            live = new ArrayList<>(sources.entrySet());
        }
        for (Map.Entry<Object, Consumer<Object>> e : live) {
            e.getValue().accept(e.getKey());
        }
    }
}
