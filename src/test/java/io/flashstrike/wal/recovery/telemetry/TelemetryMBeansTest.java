package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.segment.WalGenerator;
import jdk.jfr.Event;
import jdk.jfr.Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.OpenMBeanInfo;
import javax.management.openmbean.SimpleType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MBeans of a real recovery and of an application's own block, on a private MBean server
 * ({@link MBeanServerFactory#newMBeanServer()}: not in the factory's list, so this JVM's platform
 * server and global registry are untouched), read the way a JMX console reads them: MBeanInfo,
 * then attributes by name.
 */
class TelemetryMBeansTest {
    enum Outcome { HIT, MISS, LOST }

    @Name("test.mbeans.Fetch")
    public static final class FetchEvent extends Event {
        public String status;
    }

    static final OperationType<FetchEvent, Outcome> FETCH = OperationType.of("fetch_page", FetchEvent.class,
            OutcomeType.of(Outcome.class, Outcome.LOST, Outcome.HIT, Outcome.MISS));

    @TempDir
    Path tmp;

    @Test
    void objectNamesAreTheSubsystemThenTheLabelsInOrderQuotedOnlyWhenTheyMustBe() {
        assertEquals("io.flashstrike.wal:type=wal_recovery_manager",
                TelemetryMBeans.objectName("wal_recovery_manager", Map.of()).toString());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("wal", "/data/wal-1");
        labels.put("shard", "7");
        assertEquals("io.flashstrike.wal:type=wal_segment_reader,wal=/data/wal-1,shard=7",
                TelemetryMBeans.objectName("wal_segment_reader", labels).toString(), "the labels' order, as the exposition has it");
        String[][] values = {
            {"/data/wal", "/data/wal"},
            {"", ""},
            {"a b\\c", "a b\\c"},
            {"a,b", "\"a,b\""},
            {"a=b", "\"a=b\""},
            {"C:\\wal", "\"C:\\\\wal\""},
            {"say \"x\"", "\"say \\\"x\\\"\""},
            {"*", "\"\\*\""},
            {"what?", "\"what\\?\""},
            {"two\nlines", "\"two\\nlines\""},
        };
        for (String[] v : values) {
            ObjectName n = TelemetryMBeans.objectName("s", Map.of("wal", v[0]));
            assertEquals("io.flashstrike.wal:type=s,wal=" + v[1], n.toString(), v[0]);
            assertFalse(n.isPattern(), v[0]);
            assertEquals(v[0], v[1].startsWith("\"") ? ObjectName.unquote(n.getKeyProperty("wal")) : n.getKeyProperty("wal"));
        }
        Map<String, String> typed = new LinkedHashMap<>();
        typed.put("type", "primary");
        typed.put("wal", "/w");
        assertEquals("io.flashstrike.wal:type=s,label_type=primary,wal=/w", TelemetryMBeans.objectName("s", typed).toString());
    }

    @Test
    void aRecoverysBlocksAreMBeansWhoseAttributesAreItsOwnFigures() throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(6).segmentSize(64 << 10).payloadSize(100).generate();
        TelemetryRegistry registry = new TelemetryRegistry(4);
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        try (TelemetryMBeans mbeans = TelemetryMBeans.publish(registry, server)) {
            RecoveryResult r = new RecoveryManager(metrics).registry(registry).recover(wal, (lsn, type, payload) -> { });
            String dir = wal.toAbsolutePath().normalize().toString();
            ObjectName manager = new ObjectName("io.flashstrike.wal:type=wal_recovery_manager,wal=" + dir);
            ObjectName reader = new ObjectName("io.flashstrike.wal:type=wal_segment_reader,wal=" + dir);
            ObjectName preloader = new ObjectName("io.flashstrike.wal:type=wal_recovery_worker,wal=" + dir);
            assertEquals(Set.of(manager, reader, preloader), server.queryNames(new ObjectName("io.flashstrike.wal:*"), null),
                    "the finished run stays published, as it stays in the registry");
            assertEquals(Set.of(manager, reader, preloader), mbeans.names());

            assertEquals(r.lastValidLsn(), server.getAttribute(manager, "LastValidLsn"));
            assertEquals(6L, server.getAttribute(manager, "SegmentsFound"));
            assertEquals(6L, server.getAttribute(manager, "SegmentsReplayed"));
            assertEquals(0L, server.getAttribute(manager, "DroppedBytes"));
            assertEquals(0L, server.getAttribute(manager, "JfrErrors"));
            assertEquals(r.records(), server.getAttribute(reader, "RecordsRead"));
            assertEquals(r.bytes(), server.getAttribute(reader, "ReadBytes"));
            assertEquals(metrics.segmentReader().fillWaitNanos() / 1e9, server.getAttribute(reader, "WaitForSegmentFillSeconds"));

            CompositeData preload = (CompositeData) server.getAttribute(preloader, "PreloadSegment");
            Operation64.Snapshot truth = metrics.segmentPreloader().preloadSegment().snapshot();
            assertEquals(6L, preload.get("successes"));
            assertEquals(truth.successes(), preload.get("successes"));
            assertEquals(truth.failures(), preload.get("failures"));
            assertEquals(truth.count(), preload.get("count"));
            assertEquals(truth.count(Status.OK), preload.get("status_OK"));
            assertEquals(0L, preload.get("status_IO_ERROR"));
            assertEquals(truth.totalNanos() / 1e9, preload.get("totalSeconds"));
            assertEquals(truth.minNanos() / 1e9, preload.get("minSeconds"));
            assertEquals(truth.maxNanos() / 1e9, preload.get("maxSeconds"));
            assertEquals(truth.meanNanos() / 1e9, preload.get("meanSeconds"));
            assertEquals(truth.percentileNanos(50) / 1e9, preload.get("p50Seconds"));
            assertEquals(truth.percentileNanos(99) / 1e9, preload.get("p99Seconds"));
            assertEquals(truth.percentileNanos(99.9) / 1e9, preload.get("p999Seconds"));
            Set<String> items = new TreeSet<>(preload.getCompositeType().keySet());
            Set<String> expected = new TreeSet<>(List.of("successes", "failures", "count", "totalSeconds", "minSeconds", "maxSeconds",
                    "meanSeconds", "p50Seconds", "p99Seconds", "p999Seconds"));
            for (Status s : Status.values()) {
                expected.add("status_" + s.name());
            }
            assertEquals(expected, items);

            assertEquals(List.of("Recover", "SegmentsFound", "SegmentsReplayed", "LastValidLsn", "DroppedBytes", "JfrErrors"),
                    attributeNames(server.getMBeanInfo(manager)), "operations, then the block's own figures in collection order");
            assertEquals(List.of("WaitForSegment", "ReadSegment", "RecordsRead", "ReadBytes", "WaitForSegmentFillSeconds", "JfrErrors"),
                    attributeNames(server.getMBeanInfo(reader)));
            assertEquals(List.of("PreloadSegment", "FinishSegment", "JfrErrors"), attributeNames(server.getMBeanInfo(preloader)));
            for (ObjectName n : List.of(manager, reader, preloader)) {
                assertOpenAndReadOnly(server, n);
            }
            assertEquals("LSN of the last record delivered, -1 when none", describe(server.getMBeanInfo(manager), "LastValidLsn"));

            AttributeList all = server.getAttributes(manager, new String[]{"LastValidLsn", "Recover", "NoSuch", "SegmentsFound"});
            assertEquals(List.of("LastValidLsn", "Recover", "SegmentsFound"), all.asList().stream().map(Attribute::getName).toList());
            assertEquals(0, mbeans.failures());
        }
        assertEquals(Set.of(), server.queryNames(new ObjectName("io.flashstrike.wal:*"), null), "close unregisters every MBean");
    }

    @Test
    void anApplicationsOwnBlockIsAnMBeanReadLiveAndLeavesWithItsRegistration() throws Exception {
        TelemetryRegistry registry = new TelemetryRegistry(4);
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        TelemetryBlock block = TelemetryBlock.of("page_cache", FETCH);
        TimedOperation<FetchEvent, Outcome> fetch = block.operation(FETCH);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("type", "primary");
        labels.put("cache", "a,b");
        try (TelemetryMBeans mbeans = TelemetryMBeans.publish(registry, server)) {
            TelemetryRegistry.Registration reg = registry.register(labels, List.of(block));
            ObjectName name = new ObjectName("io.flashstrike.wal:type=page_cache,label_type=primary,cache=\"a,b\"");
            assertEquals(Set.of(name), server.queryNames(new ObjectName("io.flashstrike.wal:*"), null));
            assertEquals(List.of("FetchPage", "JfrErrors"), attributeNames(server.getMBeanInfo(name)));
            assertOpenAndReadOnly(server, name);
            assertEquals(0L, ((CompositeData) server.getAttribute(name, "FetchPage")).get("count"));

            FETCH.record(fetch, System.nanoTime(), Outcome.HIT);
            FETCH.record(fetch, System.nanoTime(), Outcome.MISS);
            FETCH.record(fetch, System.nanoTime(), null);
            CompositeData c = (CompositeData) server.getAttribute(name, "FetchPage");
            assertEquals(3L, c.get("count"), "read live, not when the MBean was made");
            assertEquals(2L, c.get("successes"));
            assertEquals(1L, c.get("failures"));
            assertEquals(1L, c.get("status_HIT"));
            assertEquals(1L, c.get("status_MISS"));
            assertEquals(1L, c.get("status_LOST"));

            reg.close();
            assertTrue(server.isRegistered(name), "a finished registration stays readable");
            TelemetryRegistry.Registration again = registry.register(Map.of("cache", "cold"), List.of(block));
            ObjectName renamed = new ObjectName("io.flashstrike.wal:type=page_cache,cache=cold");
            assertEquals(Set.of(renamed), server.queryNames(new ObjectName("io.flashstrike.wal:*"), null), "relabelled: renamed");
            assertEquals(3L, ((CompositeData) server.getAttribute(renamed, "FetchPage")).get("count"), "the same block, its counts go on");
            again.remove();
            assertFalse(server.isRegistered(renamed), "gone with its registration");
            assertEquals(0, mbeans.failures());

            // the same labels twice in one registry would be one name twice: counted, never thrown
            TelemetryRegistry.Registration twice = registry.register(Map.of(), List.of(TelemetryBlock.of("dup", FETCH), TelemetryBlock.of("dup", FETCH)));
            assertEquals(1, mbeans.failures());
            assertTrue(server.isRegistered(new ObjectName("io.flashstrike.wal:type=dup")));
            twice.remove();
            assertFalse(server.isRegistered(new ObjectName("io.flashstrike.wal:type=dup")));
        }
    }

    private static List<String> attributeNames(MBeanInfo info) {
        return java.util.Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName).toList();
    }

    private static String describe(MBeanInfo info, String attribute) {
        return java.util.Arrays.stream(info.getAttributes()).filter(a -> a.getName().equals(attribute)).findFirst().orElseThrow()
                .getDescription();
    }

    /** Only open types (a remote console needs none of our classes), readable, not writable, no operations. */
    private static void assertOpenAndReadOnly(MBeanServer server, ObjectName name) throws Exception {
        MBeanInfo info = server.getMBeanInfo(name);
        assertTrue(info instanceof OpenMBeanInfo, name.toString());
        assertEquals(0, info.getOperations().length);
        for (MBeanAttributeInfo a : info.getAttributes()) {
            assertTrue(a.isReadable() && !a.isWritable(), a.getName());
            Object type = ((OpenMBeanAttributeInfo) a).getOpenType();
            if (type instanceof CompositeType ct) {
                for (String item : ct.keySet()) {
                    assertTrue(ct.getType(item) instanceof SimpleType, item);
                }
            } else {
                assertTrue(type == SimpleType.LONG || type == SimpleType.DOUBLE, a.getName() + ": " + type);
            }
            Object v = server.getAttribute(name, a.getName());
            assertTrue(v.getClass().getName().startsWith("java.") || v instanceof CompositeData, a.getName() + ": " + v.getClass());
            assertThrows(AttributeNotFoundException.class, () -> server.setAttribute(name, new Attribute(a.getName(), v)));
        }
    }
}
