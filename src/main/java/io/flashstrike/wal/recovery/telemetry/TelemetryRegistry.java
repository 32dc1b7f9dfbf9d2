package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PeriodicStatistics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The blocks that record in this JVM, each set under the labels that tell it apart (a recovery's
 * {@code wal="/data/wal"}): what the agent's /metrics, the MBeans and anything else in-process
 * read, exact at any time, without a JFR stream. The global registry's blocks are also platform
 * MBeans once the platform MBean server exists ({@link TelemetryMBeans}).
 *
 * <p><b>Life of a registration.</b> An owner registers the blocks it records into when it starts
 * (a {@link io.flashstrike.wal.recovery.RecoveryManager recovery run}, or an application for its
 * own blocks; a stream's mirror is a block too but not the truth, so merely creating a block does
 * not register it) and closes the registration when it is done. A closed registration is
 * <em>finished</em>: its figures stay readable, unchanged, because an operator expects the last
 * recovery's figures for the life of the process. A finished registration leaves when a newer
 * registration takes its labels (a recovery of the same directory), or when more than
 * {@link #FINISHED_KEPT} registrations are finished (the oldest leaves first), or on
 * {@link Registration#remove()}. Registering the same blocks again (a metrics object reused for
 * the next run) reopens their registration: their counters go on, one set of series.
 *
 * <p>Two live registrations with the same labels (two runs on one directory at once, which the
 * directory lock normally prevents) stay apart: the later one gets {@code run="<its number>"}.
 * Totals across registrations are PromQL's job; no figure here is overwritten by another run's.
 *
 * <p>Not the hot path: registering and reading lock the registry; recording into a block never does.
 */
public final class TelemetryRegistry {
    /** Finished registrations kept readable; the oldest leaves when one more finishes. */
    public static final int FINISHED_KEPT = 32;
    /** Labels the blocks' families use themselves. */
    private static final Set<String> RESERVED = Set.of("subsystem", "outcome", "status", "le", "reason", "action", "operation");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final TelemetryRegistry GLOBAL = new TelemetryRegistry(FINISHED_KEPT);
    /** Whether the global registry's JVM-wide hooks are installed (see {@link #installHooks}). */
    private static volatile boolean hooksInstalled;

    private final int finishedKept;
    private final List<Registration> registrations = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long sequence;

    /** A registry of its own (tests, an application that keeps its blocks apart); most want {@link #global()}. */
    public TelemetryRegistry(int finishedKept) {
        if (finishedKept < 0) {
            throw new IllegalArgumentException("finishedKept must be at least 0: " + finishedKept);
        }
        this.finishedKept = finishedKept;
    }

    /** @return this JVM's registry: recoveries register here unless told otherwise */
    public static TelemetryRegistry global() {
        return GLOBAL;
    }

    /** Told when a registration appears (or is relabelled) and when it leaves; called under no lock of ours. */
    public interface Listener {
        void added(Registration r);

        void removed(Registration r);
    }

    /** Adds a listener and tells it every registration present now. */
    public void addListener(Listener l) {
        List<Registration> now;
        synchronized (this) {
            listeners.add(l);
            now = new ArrayList<>(registrations);
        }
        now.forEach(l::added);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /**
     * @throws IllegalArgumentException for a label name that is not a Prometheus label name, one
     *                                  the blocks' families use ({@code subsystem}, {@code outcome}, ...), or a null value
     */
    public static Map<String, String> checkLabels(Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!LABEL_NAME.matcher(e.getKey()).matches() || e.getKey().startsWith("__")) {
                throw new IllegalArgumentException("not a label name: '" + e.getKey() + "'");
            }
            if (RESERVED.contains(e.getKey())) {
                throw new IllegalArgumentException("label " + e.getKey() + " is used by the blocks' own families; choose another name");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("label " + e.getKey() + " has no value");
            }
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * Registers {@code blocks} under {@code labels} (in that order in the exposition); see the class
     * comment for what happens to a registration of the same blocks or labels.
     *
     * @return the registration; its owner closes it when done
     * @throws IllegalArgumentException see {@link #checkLabels}; a block of another live registration
     */
    public Registration register(Map<String, String> labels, List<TelemetryBlock> blocks) {
        Map<String, String> wanted = checkLabels(labels);
        if (this == GLOBAL) {
            installHooks();
        }
        List<TelemetryBlock> set = List.copyOf(blocks);
        List<Registration> gone = new ArrayList<>();
        Registration r;
        boolean announce = true;
        synchronized (this) {
            r = find(set);
            if (r != null) {
                if (!r.finished() && !r.labels.equals(wanted)) {
                    throw new IllegalArgumentException("these blocks are registered under " + r.labels + " by a running owner");
                }
                announce = !r.labels.equals(wanted);
                if (announce) {
                    registrations.remove(r);
                    gone.add(r);
                }
                r.owners++;
            }
            Map<String, String> effective = wanted;
            for (Registration other : List.copyOf(registrations)) {
                if (other != r && other.labels.equals(wanted)) {
                    if (other.finished()) {
                        registrations.remove(other);
                        gone.add(other);
                    } else {
                        Map<String, String> apart = new LinkedHashMap<>(wanted);
                        apart.put("run", Long.toString(sequence + 1));
                        effective = java.util.Collections.unmodifiableMap(apart);
                    }
                }
            }
            if (r == null) {
                r = new Registration(++sequence, effective, set);
                registrations.add(r);
            } else if (announce) {
                r.labels = effective;
                registrations.add(r);
            }
        }
        for (Registration g : gone) {
            listeners.forEach(l -> l.removed(g));
        }
        if (announce) {
            Registration added = r;
            listeners.forEach(l -> l.added(added));
        }
        return r;
    }

    /**
     * The global registry's two JVM-wide hooks, installed once by its first registration so that
     * merely loading our classes touches nothing JVM-wide:
     * <ul>
     *   <li>its blocks become platform MBeans (lazily: see {@link TelemetryMBeans});</li>
     *   <li>every period of {@value OperationStatisticsEvent#NAME} (1 s in our .jfc), the totals of
     *   every block, finished ones included: a stream that starts after a recovery learns from them
     *   what it never saw (one JFR periodic hook; JFR emits it only into recordings that enable it).</li>
     * </ul>
     * Each fails alone: the registry and its other readers work without it.
     */
    private static void installHooks() {
        if (hooksInstalled) {
            return;
        }
        synchronized (TelemetryRegistry.class) {
            if (hooksInstalled) {
                return;
            }
            hooksInstalled = true;
            try {
                TelemetryMBeans.installPlatform(GLOBAL);
            } catch (RuntimeException | LinkageError e) {
                // a runtime without the java.management module (jlink): no MBeans
            }
            try {
                PeriodicStatistics.register(OperationStatisticsEvent.class, GLOBAL, TelemetryRegistry::emitStatistics);
            } catch (RuntimeException | LinkageError e) {
                // JFR unavailable: no statistics events
            }
        }
    }

    private static void emitStatistics(TelemetryRegistry registry) {
        for (Registration r : registry.registrations()) {
            r.emitStatistics();
        }
    }

    private Registration find(List<TelemetryBlock> set) {
        for (Registration r : registrations) {
            for (TelemetryBlock b : set) {
                if (r.blocks.stream().anyMatch(x -> x == b)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** @return the registrations, live and finished, oldest first (a copy) */
    public synchronized List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    /** Collects every registration: its labels pushed, then each block's families. */
    public void collect(String prefix, MetricsCollector collector) {
        for (Registration r : registrations()) {
            r.collect(prefix, collector);
        }
    }

    private void retire() {
        List<Registration> gone = new ArrayList<>();
        synchronized (this) {
            long finished = registrations.stream().filter(Registration::finished).count();
            for (Registration old : List.copyOf(registrations)) {
                if (finished <= finishedKept) {
                    break;
                }
                if (old.finished()) {
                    registrations.remove(old);
                    gone.add(old);
                    finished--;
                }
            }
        }
        for (Registration g : gone) {
            listeners.forEach(l -> l.removed(g));
        }
    }

    private void remove(Registration r) {
        boolean removed;
        synchronized (this) {
            removed = registrations.remove(r);
        }
        if (removed) {
            listeners.forEach(l -> l.removed(r));
        }
    }

    /** Blocks under labels, as registered; closing it is the owner saying it is done (idempotent per owner). */
    public final class Registration implements AutoCloseable {
        private final long number;
        private final List<TelemetryBlock> blocks;
        private volatile Map<String, String> labels;
        /** Owners recording now; guarded by the registry. */
        private int owners = 1;

        private Registration(long number, Map<String, String> labels, List<TelemetryBlock> blocks) {
            this.number = number;
            this.labels = labels;
            this.blocks = blocks;
        }

        /** @return the labels every series of these blocks carries, in order */
        public Map<String, String> labels() {
            return labels;
        }

        /** @return the blocks */
        public List<TelemetryBlock> blocks() {
            return blocks;
        }

        /** @return its number in this registry, in registration order from 1 */
        public long number() {
            return number;
        }

        /** @return whether every owner has closed it: the figures no longer change */
        public boolean finished() {
            synchronized (TelemetryRegistry.this) {
                return owners == 0;
            }
        }

        /** Collects the blocks with this registration's labels pushed first. */
        public void collect(String prefix, MetricsCollector collector) {
            Map<String, String> l = labels;
            int pushed = 0;
            try {
                for (Map.Entry<String, String> e : l.entrySet()) {
                    collector.pushLabel(e.getKey(), e.getValue());
                    pushed++;
                }
                for (TelemetryBlock b : blocks) {
                    b.collect(prefix, collector);
                }
            } finally {
                for (; pushed > 0; pushed--) {
                    collector.popLabel();
                }
            }
        }

        /** Each block's {@value OperationStatisticsEvent#NAME} events now; never throws. */
        void emitStatistics() {
            StringBuilder text = new StringBuilder();
            labels.forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append('=').append(v));
            boolean done = finished();
            for (TelemetryBlock b : blocks) {
                try {
                    b.emitStatistics(text.toString(), done);
                } catch (RuntimeException | Error e) {
                    // JFR failing here must not fail the owner; the in-memory figures are intact
                }
            }
        }

        /**
         * Prints each block's frame, labelled {@code label subsystem {labels}}.
         *
         * @throws java.io.UncheckedIOException if {@code out} throws
         */
        public void dump(String label, Appendable out) {
            String suffix = labels.isEmpty() ? "" : " " + labels;
            for (TelemetryBlock b : blocks) {
                b.dump(label + " " + b.subsystem() + suffix, out);
            }
        }

        /** One owner is done; when the last is, the registration is finished and stays readable. */
        @Override
        public void close() {
            boolean nowFinished;
            synchronized (TelemetryRegistry.this) {
                if (owners == 0) {
                    return;
                }
                nowFinished = --owners == 0;
            }
            if (TelemetryRegistry.this == GLOBAL) {
                emitStatistics(); // an owner's final totals at once (a recording may stop next), not a period later
            }
            if (nowFinished) {
                retire();
            }
        }

        /** Takes the registration out of the registry at once, finished or not. */
        public void remove() {
            synchronized (TelemetryRegistry.this) {
                owners = 0;
            }
            TelemetryRegistry.this.remove(this);
        }

        @Override
        public String toString() {
            return "registration " + number + " " + labels + (finished() ? " (finished)" : "");
        }
    }
}
