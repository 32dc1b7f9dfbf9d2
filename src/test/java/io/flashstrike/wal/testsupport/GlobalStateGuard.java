package io.flashstrike.wal.testsupport;

import io.flashstrike.wal.recovery.telemetry.TelemetryMBeans;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.jfr.PeriodicStatistics;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fails the test class that leaves JVM-wide state behind for the classes after it: a JFR recording
 * or {@code RecordingStream} still running, a telemetry block still registered for the periodic
 * statistics event (an updater never closed) or live in the global registry, an MBean of ours on the platform
 * server that the global registry does not account for, a system property set or changed, the working
 * directory moved. What it finds is also undone, so one leak fails one class, not every class
 * that happens to run after it. Registered for every class by JUnit's extension auto-detection
 * ({@code META-INF/services}, {@code junit-platform.properties}).
 */
public final class GlobalStateGuard implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GlobalStateGuard.class);

    /**
     * Set once per JVM by a class initializer, not by a test: JFR's first recording creates its
     * repository; AWT's first image (ImageIO, reading the browser test's screenshot) picks its font
     * manager. Restoring them would not re-run the initializer.
     */
    private static final Set<String> JDK_OWNED = Set.of("jdk.jfr.repository", "sun.font.fontmanager");

    private record State(Set<Long> runningRecordings, Map<String, String> properties) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The global registry's JVM-wide hooks (statistics, MBeans) come with its first registration:
        // made here, they are there before this class starts, whichever class ran first.
        TelemetryRegistry.global().register(Map.of("guard", "hooks"), List.of()).remove();
        context.getStore(NS).put("before", new State(running(), properties()));
        context.getStore(NS).put("statistics", PeriodicStatistics.registered(OperationStatisticsEvent.class));
        beforeEach(context); // what a @BeforeAll fixture registers is the class's, removed after it
    }

    /**
     * A test's finished recoveries are its own global state: they stay in the global registry (its
     * statistics events report them to every later stream), so they are removed after the test.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("registrations", Set.copyOf(TelemetryRegistry.global().registrations()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        removeFinishedSince(context);
    }

    private static void removeFinishedSince(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Set<TelemetryRegistry.Registration> before = context.getStore(NS).get("registrations", Set.class);
        for (TelemetryRegistry.Registration r : TelemetryRegistry.global().registrations()) {
            if (r.finished() && (before == null || !before.contains(r))) {
                r.remove();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        State before = context.getStore(NS).get("before", State.class);
        if (before == null) {
            return;
        }
        List<String> leaks = new ArrayList<>();
        removeFinishedSince(context);
        for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
            if (r.getState() == RecordingState.RUNNING && !before.runningRecordings().contains(r.getId())) {
                leaks.add("JFR recording " + r.getId() + " (" + r.getName() + ") still running");
                r.close();
            }
        }
        int blocks = PeriodicStatistics.registered(SegmentPreloaderStatisticsEvent.class);
        if (blocks > 0) {
            leaks.add(blocks + " telemetry block(s) still registered for " + SegmentPreloaderStatisticsEvent.NAME
                    + " (a SegmentPreloaderUpdater not closed)");
        }
        Integer hooks = context.getStore(NS).get("statistics", Integer.class);
        int open = PeriodicStatistics.registered(OperationStatisticsEvent.class) - (hooks == null ? 0 : hooks);
        if (open > 0) {
            leaks.add(open + " telemetry block(s) still registered for " + OperationStatisticsEvent.NAME
                    + " (a TelemetryBlock.openStatistics() or an updater not closed)");
        }
        for (TelemetryRegistry.Registration r : TelemetryRegistry.global().registrations()) {
            if (!r.finished()) {
                leaks.add("telemetry " + r + " still live in the global registry (an owner never closed it)");
                r.remove();
            }
        }
        leaks.addAll(strayMBeans());
        Map<String, String> now = properties();
        Set<String> keys = new HashSet<>(now.keySet());
        keys.addAll(before.properties().keySet());
        for (String k : keys) {
            String was = before.properties().get(k);
            String is = now.get(k);
            if (!Objects.equals(was, is) && !JDK_OWNED.contains(k)) {
                leaks.add("system property " + k + " changed: " + was + " -> " + is);
                if (was == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, was);
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left global state behind: " + String.join("; ", leaks));
        }
    }

    /**
     * MBeans of our domain on the platform server (when one exists: the guard creates none) that no
     * registration of the global registry accounts for; unregistered, so the next class starts clean.
     */
    private static List<String> strayMBeans() {
        MBeanServer server = TelemetryMBeans.existingPlatformServer();
        if (server == null) {
            return List.of();
        }
        Set<ObjectName> expected = new HashSet<>();
        for (TelemetryRegistry.Registration r : TelemetryRegistry.global().registrations()) {
            r.blocks().forEach(b -> expected.add(TelemetryMBeans.objectName(b.subsystem(), r.labels())));
        }
        List<String> leaks = new ArrayList<>();
        try {
            for (ObjectName n : server.queryNames(new ObjectName(TelemetryMBeans.DOMAIN + ":*"), null)) {
                if (!expected.contains(n)) {
                    leaks.add("MBean " + n + " registered on the platform MBean server and not by the global registry");
                    server.unregisterMBean(n);
                }
            }
        } catch (JMException e) {
            leaks.add("cannot read the platform MBean server: " + e);
        }
        return leaks;
    }

    private static Set<Long> running() {
        Set<Long> ids = new HashSet<>();
        for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
            if (r.getState() == RecordingState.RUNNING) {
                ids.add(r.getId());
            }
        }
        return ids;
    }

    private static Map<String, String> properties() {
        Map<String, String> m = new HashMap<>();
        System.getProperties().forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
        return m;
    }
}
