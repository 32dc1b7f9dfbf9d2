package io.flashstrike.wal.recovery.telemetry;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Publishes every block of a {@link TelemetryRegistry} as an MBean ({@link BlockOpenMBean}) named
 * {@code io.flashstrike.wal:type=<subsystem>,<label>=<value>,...} (see {@link #objectName}), and
 * takes it away when its registration leaves the registry. Finished registrations stay published,
 * as they stay in the registry.
 *
 * <p><b>The platform MBean server, lazily.</b> The global registry's first registration installs
 * one publisher for the platform server ({@link #platform()}). It never creates that server: it
 * publishes once the server exists, which it learns from {@link MBeanServerFactory#findMBeanServer}
 * (a server holding {@code java.lang:type=Runtime}). When registrations exist and the server does
 * not, one daemon thread ({@value #POLLER_NAME}) looks about once a second and ends as soon as it
 * has published (or the registry is empty); from then on the registry's events publish directly.
 * So a JVM that never touches JMX keeps no MBean server because of us, and JConsole attaching
 * later (which starts the platform server) sees our MBeans within about a second.
 *
 * <p><b>Never thrown at the owner.</b> Whatever the MBean server refuses (a name taken, a
 * server that throws) is counted in {@link #failures()} and otherwise ignored: telemetry never
 * fails a recovery. Nothing is printed.
 *
 * <p>Thread-safe: registry events, the poller and {@link #close} synchronise on the publisher;
 * it calls the registry (never the other way round under a lock), so the two cannot deadlock.
 */
public final class TelemetryMBeans implements AutoCloseable {
    /** The ObjectName domain of every block. */
    public static final String DOMAIN = "io.flashstrike.wal";
    /** The key a label named {@code type} gets: {@code type} is the block's subsystem. */
    public static final String RENAMED_TYPE_LABEL = "label_type";
    /** The name of the thread that waits for the platform MBean server. */
    public static final String POLLER_NAME = "flashstrike-wal-mbeans";
    static final long POLL_MILLIS = 1000;
    private static final ObjectName RUNTIME = name("java.lang:type=Runtime");
    private static volatile TelemetryMBeans platform;

    private final TelemetryRegistry registry;
    /** The server to publish on, or null while there is none to use yet. */
    private final Supplier<MBeanServer> finder;
    private final boolean poll;
    private final TelemetryRegistry.Listener listener = new TelemetryRegistry.Listener() {
        @Override
        public void added(TelemetryRegistry.Registration r) {
            publish(r);
        }

        @Override
        public void removed(TelemetryRegistry.Registration r) {
            unpublish(r);
        }
    };
    private final AtomicLong failures = new AtomicLong();
    // guarded by this
    private MBeanServer server;
    private final Map<TelemetryRegistry.Registration, List<ObjectName>> published = new IdentityHashMap<>();
    private Thread poller;
    private boolean closed;

    private TelemetryMBeans(TelemetryRegistry registry, Supplier<MBeanServer> finder, boolean poll) {
        this.registry = registry;
        this.finder = finder;
        this.poll = poll;
    }

    /**
     * Publishes {@code registry}'s blocks on {@code server} from now until {@link #close()}: for an
     * application that keeps its own registry or its own MBean server, and for tests. The global
     * registry is published on the platform server without this call.
     */
    public static TelemetryMBeans publish(TelemetryRegistry registry, MBeanServer server) {
        TelemetryMBeans p = new TelemetryMBeans(registry, () -> server, false);
        registry.addListener(p.listener);
        return p;
    }

    /** @return the global registry's publisher on the platform MBean server; null before the global registry's first registration */
    public static TelemetryMBeans platform() {
        return platform;
    }

    /** Called by the global registry before each registration; installs the platform publisher once. */
    static void installPlatform(TelemetryRegistry global) {
        if (platform != null) {
            return;
        }
        synchronized (TelemetryMBeans.class) {
            if (platform == null) {
                TelemetryMBeans p = new TelemetryMBeans(global, TelemetryMBeans::existingPlatformServer, true);
                platform = p;
                global.addListener(p.listener);
            }
        }
    }

    /** @return the platform MBean server if someone has created it (never creates it), else null */
    public static MBeanServer existingPlatformServer() {
        for (MBeanServer s : MBeanServerFactory.findMBeanServer(null)) {
            if (s.isRegistered(RUNTIME)) {
                return s;
            }
        }
        return null;
    }

    /**
     * {@code io.flashstrike.wal:type=<subsystem>} then each label as a key, in order. A value is
     * quoted ({@link ObjectName#quote}) only when it holds a character an unquoted value may not
     * ({@code , = : " * ?} or a newline); a label named {@code type} becomes {@value #RENAMED_TYPE_LABEL}.
     *
     * @throws IllegalArgumentException when the name is still not valid (a label named {@value #RENAMED_TYPE_LABEL} beside one named type)
     */
    public static ObjectName objectName(String subsystem, Map<String, String> labels) {
        StringBuilder b = new StringBuilder(DOMAIN).append(":type=").append(value(subsystem));
        for (Map.Entry<String, String> e : labels.entrySet()) {
            b.append(',').append(e.getKey().equals("type") ? RENAMED_TYPE_LABEL : e.getKey()).append('=').append(value(e.getValue()));
        }
        return name(b.toString());
    }

    private static String value(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (",=:\"*?\n".indexOf(v.charAt(i)) >= 0) {
                return ObjectName.quote(v);
            }
        }
        return v;
    }

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not an ObjectName: " + s + ": " + e.getMessage(), e);
        }
    }

    /** @return MBeans the server refused (or that could not be named), since this publisher started */
    public long failures() {
        return failures.get();
    }

    /** @return the names published now, sorted */
    public synchronized Set<ObjectName> names() {
        Set<ObjectName> all = new TreeSet<>();
        published.values().forEach(all::addAll);
        return all;
    }

    private synchronized void publish(TelemetryRegistry.Registration r) {
        if (closed || published.containsKey(r)) {
            return;
        }
        if (server == null) {
            server = finder.get();
        }
        if (server == null) {
            startPoller();
            return;
        }
        List<ObjectName> names = new ArrayList<>();
        for (TelemetryBlock b : r.blocks()) {
            try {
                ObjectName n = objectName(b.subsystem(), r.labels());
                server.registerMBean(new BlockOpenMBean(b), n);
                names.add(n);
            } catch (JMException | RuntimeException e) {
                failures.incrementAndGet();
            }
        }
        published.put(r, names);
    }

    private synchronized void unpublish(TelemetryRegistry.Registration r) {
        List<ObjectName> names = published.remove(r);
        if (names == null) {
            return;
        }
        for (ObjectName n : names) {
            try {
                server.unregisterMBean(n);
            } catch (JMException | RuntimeException e) {
                failures.incrementAndGet(); // someone else unregistered it: nothing of ours is left there
            }
        }
    }

    /** Guarded by this. At most one poller; none for a publisher given its server. */
    private void startPoller() {
        if (!poll || poller != null) {
            return;
        }
        Thread t = new Thread(this::awaitServer, POLLER_NAME);
        t.setDaemon(true);
        t.setContextClassLoader(TelemetryMBeans.class.getClassLoader()); // not the registering thread's (a web app's) loader
        poller = t;
        t.start();
    }

    /** The poller: until the server exists (then publish what is registered) or nothing is registered. */
    private void awaitServer() {
        try {
            while (true) {
                Thread.sleep(POLL_MILLIS);
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    server = finder.get();
                    if (server != null) {
                        poller = null;
                        registry.registrations().forEach(this::publish); // reentrant; publishes only what is not yet
                        return;
                    }
                    if (registry.registrations().isEmpty()) {
                        poller = null; // under the lock: the next registration starts another
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() stops us; the thread ends here
        }
    }

    /**
     * Stops publishing and unregisters every MBean this publisher registered. Closing the
     * {@link #platform()} publisher ends the global registry's MBeans for the life of the JVM.
     */
    @Override
    public void close() {
        registry.removeListener(listener);
        Thread t;
        synchronized (this) {
            closed = true;
            t = poller;
            poller = null;
            for (TelemetryRegistry.Registration r : List.copyOf(published.keySet())) {
                unpublish(r);
            }
        }
        if (t != null) {
            t.interrupt();
        }
        if (this == platform) {
            synchronized (TelemetryMBeans.class) {
                platform = null;
            }
        }
    }
}
