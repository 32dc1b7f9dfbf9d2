package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.telemetry.MetricSamples;
import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream that starts after operations happened says how many it never saw, for every family it
 * mirrors: the global registry keeps emitting the statistics of finished recoveries, so the
 * producer's totals reach a stream started after the run, or between runs of a reused metrics
 * object. Real recoveries, a real in-process {@code RecordingStream} with the shipped .jfc.
 */
class LateStreamTest {
    private static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    @TempDir
    Path tmp;

    private Path wal(int segments) throws Exception {
        Path dir = tmp.resolve("wal");
        WalGenerator.into(dir).segments(segments).segmentSize(64 << 10).payloadSize(100).generate();
        return dir;
    }

    private static long count(WalRecoveryMetrics m, OperationType<?, ?> op) {
        return m.blocks().stream().flatMap(b -> b.operations().stream()).filter(o -> o.type().equals(op))
                .mapToLong(o -> o.distribution().snapshot().count()).sum();
    }

    /** Waits (bounded) until the stream's account says {@code missing} for every operation. */
    private static void awaitMissing(WalEventStream stream, Map<OperationType<?, ?>, Long> missing) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline
                && !missing.entrySet().stream().allMatch(e -> stream.missingEvents(e.getKey().name()) == e.getValue())) {
            Thread.sleep(50);
        }
    }

    @Test
    void aStreamStartedAfterARecoveryCountsEveryOperationOfItAsMissing() throws Exception {
        Path dir = wal(4);
        WalRecoveryMetrics truth = new WalRecoveryMetrics();
        new RecoveryManager(truth).recover(dir, (lsn, type, payload) -> { });
        try (WalEventStream stream = WalEventStream.inProcess(Configuration.create(JFC), new WalRecoveryMetrics())) {
            stream.start();
            // At once, before any statistics event could arrive: this JVM's registry is the producer.
            for (OperationType<?, ?> op : WalOperations.ALL) {
                assertEquals(count(truth, op), stream.missingEvents(op.name()), op.name() + " missing from the start");
            }
            Map<OperationType<?, ?>, Long> expected = new java.util.LinkedHashMap<>();
            for (OperationType<?, ?> op : WalOperations.ALL) {
                expected.put(op, count(truth, op));
            }
            awaitMissing(stream, expected);
            for (OperationType<?, ?> op : WalOperations.ALL) {
                assertEquals(count(truth, op), stream.missingEvents(op.name()), op.name() + ": every one before the start is missing");
                assertTrue(count(truth, op) > 0, op.name());
            }
            assertEquals(4, stream.missingEvents("preload_segment"));
            assertEquals(1, stream.missingEvents("recover"));
            assertEquals(0, stream.eventsSeen(), "nothing folded: it all happened before");
            Map<String, Double> served = MetricSamples.of(c -> stream.collect("flashstrike_wal", c)).samples();
            assertEquals(1.0, served.get("flashstrike_wal_stream_missing_events{subsystem=\"wal_event_stream\",operation=\"recover\"}"),
                    served.toString());
        }
    }

    @Test
    void aStreamStartedBetweenRunsOfAReusedMetricsObjectFoldsTheLaterAndCountsTheEarlier() throws Exception {
        Path dir = wal(3);
        WalRecoveryMetrics truth = new WalRecoveryMetrics();
        for (int i = 0; i < 3; i++) {
            new RecoveryManager(truth).recover(dir, (lsn, type, payload) -> { });
        }
        Map<OperationType<?, ?>, Long> before = new java.util.LinkedHashMap<>();
        for (OperationType<?, ?> op : WalOperations.ALL) {
            before.put(op, count(truth, op));
        }
        try (WalEventStream stream = WalEventStream.inProcess(Configuration.create(JFC), new WalRecoveryMetrics())) {
            stream.start();
            for (int i = 0; i < 3; i++) {
                new RecoveryManager(truth).recover(dir, (lsn, type, payload) -> { });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (stream.mirror().manager().recover().snapshot().count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50); // the later runs' events (awaitSettled wants all the truth's: it never saw the first three)
            }
            awaitMissing(stream, before);
            for (OperationType<?, ?> op : WalOperations.ALL) {
                long folded = stream.mirror().blocks().stream().flatMap(b -> b.operations().stream())
                        .filter(o -> o.type().equals(op)).mapToLong(o -> o.distribution().snapshot().count()).sum();
                assertEquals(before.get(op), stream.missingEvents(op.name()), op.name() + ": the three earlier runs, missing");
                assertEquals(count(truth, op), folded + stream.missingEvents(op.name()), op.name() + ": folded + missing = the truth");
            }
            assertEquals(3, stream.missingEvents("recover"));
        }
    }

    @Test
    void aRecordingWithoutTheProducersTotalsSaysMissingIsUnknownNotZero() throws Exception {
        Path dir = wal(2);
        WalRecoveryMetrics truth = new WalRecoveryMetrics();
        Path withTotals = tmp.resolve("with.jfr");
        Path without = tmp.resolve("without.jfr");
        Configuration ours = Configuration.create(JFC);
        Map<String, String> noStatistics = new java.util.HashMap<>(ours.getSettings());
        noStatistics.put(OperationStatisticsEvent.NAME + "#enabled", "false");
        noStatistics.put(SegmentPreloaderStatisticsEvent.NAME + "#enabled", "false");
        try (Recording a = new Recording(ours); Recording b = new Recording(noStatistics)) {
            b.start(); // JFR records the union of the running recordings' settings: one at a time
            new RecoveryManager(truth).recover(dir, (lsn, type, payload) -> { });
            b.stop();
            b.dump(without);
            // The first run leaves the registry now: else the global statistics hook may emit its finished
            // totals into the second recording too (a period can fall before the second run replaces it).
            TelemetryRegistry.global().registrations().stream().filter(r -> r.blocks().equals(truth.blocks()))
                    .forEach(TelemetryRegistry.Registration::remove);
            a.start();
            new RecoveryManager(new WalRecoveryMetrics()).recover(dir, (lsn, type, payload) -> { });
            a.stop();
            a.dump(withTotals);
        }
        try (WalEventStream folded = WalEventStream.openFile(without, new WalRecoveryMetrics())) {
            folded.foldToEnd();
            assertEquals(WalEventStream.eventsOf(truth), folded.eventsSeen(), "every operation's event is there");
            for (OperationType<?, ?> op : WalOperations.ALL) {
                assertEquals(-1, folded.missingEvents(op.name()), op.name() + ": folded, and no totals to compare: unknown");
            }
            Map<String, Double> served = MetricSamples.of(c -> folded.collect("flashstrike_wal", c)).samples();
            assertTrue(served.get("flashstrike_wal_stream_missing_events{subsystem=\"wal_event_stream\",operation=\"recover\"}").isNaN(),
                    served.toString());
        }
        try (WalEventStream folded = WalEventStream.openFile(withTotals, new WalRecoveryMetrics())) {
            folded.foldToEnd();
            for (OperationType<?, ?> op : WalOperations.ALL) {
                assertEquals(0, folded.missingEvents(op.name()), op.name() + ": the totals came, nothing missing");
            }
        }
    }
}
