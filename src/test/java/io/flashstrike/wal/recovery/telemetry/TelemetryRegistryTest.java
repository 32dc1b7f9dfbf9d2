package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.segment.WalGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's rules on real recoveries: one labelled set of series per directory, each equal to
 * its own run; a finished run stays readable; a reused metrics object is one set; retention.
 * Each test has a registry of its own, so nothing depends on what ran before in this JVM.
 */
class TelemetryRegistryTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;

    @TempDir
    Path tmp;

    private Path wal(String name, int segments, int payload) throws Exception {
        Path dir = tmp.resolve(name);
        WalGenerator.into(dir).segments(segments).segmentSize(64 << 10).payloadSize(payload).generate();
        return dir;
    }

    /** The samples of {@code metrics} as a registration with {@code labels} shows them. */
    private static Map<String, Double> expected(Map<String, String> labels, WalRecoveryMetrics metrics) {
        return MetricSamples.of(c -> {
            labels.forEach(c::pushLabel);
            metrics.collect(P, c);
            labels.forEach((k, v) -> c.popLabel());
        }).samples();
    }

    @Test
    void twoConcurrentRecoveriesAreTwoLabelledSetsEachEqualToItsOwnRun() throws Exception {
        Path a = wal("a", 6, 100);
        Path b = wal("b", 3, 200);
        TelemetryRegistry registry = new TelemetryRegistry(TelemetryRegistry.FINISHED_KEPT);
        WalRecoveryMetrics ma = new WalRecoveryMetrics();
        WalRecoveryMetrics mb = new WalRecoveryMetrics();
        CompletableFuture<RecoveryResult> ra = CompletableFuture.supplyAsync(() -> recover(ma, registry, a));
        CompletableFuture<RecoveryResult> rb = CompletableFuture.supplyAsync(() -> recover(mb, registry, b));
        RecoveryResult resultA = ra.get();
        RecoveryResult resultB = rb.get();

        Map<String, Double> served = MetricSamples.of(c -> registry.collect(P, c)).samples();
        Map<String, Double> union = new java.util.TreeMap<>(expected(Map.of("wal", a.toString()), ma));
        union.putAll(expected(Map.of("wal", b.toString()), mb));
        assertEquals(union, served);
        assertEquals(6.0, served.get(P + "_preload_segment_total{wal=\"" + a + "\",subsystem=\"wal_recovery_worker\",outcome=\"success\",status=\"OK\"}"));
        assertEquals(3.0, served.get(P + "_preload_segment_total{wal=\"" + b + "\",subsystem=\"wal_recovery_worker\",outcome=\"success\",status=\"OK\"}"));
        assertEquals((double) resultA.lastValidLsn(), served.get(P + "_last_valid_lsn{wal=\"" + a + "\",subsystem=\"wal_recovery_manager\"}"));
        assertEquals((double) resultB.lastValidLsn(), served.get(P + "_last_valid_lsn{wal=\"" + b + "\",subsystem=\"wal_recovery_manager\"}"));
        assertTrue(resultA.lastValidLsn() != resultB.lastValidLsn(), "two runs that differ, or the test proves nothing");
        assertTrue(registry.registrations().stream().allMatch(TelemetryRegistry.Registration::finished));
    }

    @Test
    void aReusedMetricsObjectIsOneSetThatCountsEveryRun() throws Exception {
        Path a = wal("a", 3, 100);
        TelemetryRegistry registry = new TelemetryRegistry(TelemetryRegistry.FINISHED_KEPT);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        for (int i = 0; i < 4; i++) {
            recover(metrics, registry, a);
        }
        assertEquals(1, registry.registrations().size());
        Map<String, Double> served = MetricSamples.of(c -> registry.collect(P, c)).samples();
        assertEquals(expected(Map.of("wal", a.toString()), metrics), served);
        assertEquals(4.0, served.get(P + "_recover_total{wal=\"" + a + "\",subsystem=\"wal_recovery_manager\",outcome=\"success\",status=\"OK\"}"));
        assertEquals(12.0, served.get(P + "_segments_replayed_total{wal=\"" + a + "\",subsystem=\"wal_recovery_manager\"}"));
    }

    @Test
    void aNewRunOfTheSameDirectoryTakesTheFinishedOnesPlaceAndRetentionDropsTheOldest() throws Exception {
        Path a = wal("a", 2, 100);
        TelemetryRegistry registry = new TelemetryRegistry(2);
        List<String> events = new ArrayList<>();
        registry.addListener(new TelemetryRegistry.Listener() {
            @Override
            public void added(TelemetryRegistry.Registration r) {
                events.add("+" + r.labels());
            }

            @Override
            public void removed(TelemetryRegistry.Registration r) {
                events.add("-" + r.labels());
            }
        });
        WalRecoveryMetrics first = new WalRecoveryMetrics();
        recover(first, registry, a);
        WalRecoveryMetrics second = new WalRecoveryMetrics();
        recover(second, registry, a);
        assertEquals(1, registry.registrations().size(), "the same directory: the newer run's figures, no second set");
        assertTrue(registry.registrations().get(0).blocks().contains(second.manager().block()));
        for (String name : List.of("x", "y")) {
            new RecoveryManager(new WalRecoveryMetrics()).registry(registry).labels(Map.of("log", name)).recover(a, (l, t, p) -> { });
        }
        assertEquals(List.of(Map.of("log", "x"), Map.of("log", "y")),
                registry.registrations().stream().map(TelemetryRegistry.Registration::labels).toList(),
                "two finished kept: the oldest left");
        String w = "{wal=" + a + "}";
        assertEquals(List.of("+" + w, "-" + w, "+" + w, "+{log=x}", "+{log=y}", "-" + w), events);
    }

    @Test
    void twoLiveOwnersOfTheSameLabelsStayApartAndBadLabelsAreRefusedUpFront() {
        TelemetryRegistry registry = new TelemetryRegistry(4);
        WalRecoveryMetrics one = new WalRecoveryMetrics();
        WalRecoveryMetrics two = new WalRecoveryMetrics();
        try (TelemetryRegistry.Registration r1 = registry.register(Map.of("wal", "/d"), one.blocks());
             TelemetryRegistry.Registration r2 = registry.register(Map.of("wal", "/d"), two.blocks())) {
            assertEquals(Map.of("wal", "/d"), r1.labels());
            assertEquals(Map.of("wal", "/d", "run", Long.toString(r2.number())), r2.labels());
            assertFalse(r1.finished());
            assertThrows(IllegalArgumentException.class, () -> registry.register(Map.of("wal", "/e"), one.blocks()),
                    "blocks a running owner records into cannot be relabelled under it");
        }
        assertEquals("label subsystem is used by the blocks' own families; choose another name",
                assertThrows(IllegalArgumentException.class, () -> new RecoveryManager(one).labels(Map.of("subsystem", "x"))).getMessage());
        assertEquals("not a label name: 'my-log'",
                assertThrows(IllegalArgumentException.class, () -> new RecoveryManager(one).labels(Map.of("my-log", "x"))).getMessage());
    }

    private static RecoveryResult recover(WalRecoveryMetrics metrics, TelemetryRegistry registry, Path dir) {
        try {
            return new RecoveryManager(metrics).registry(registry).recover(dir, (lsn, type, payload) -> { });
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
