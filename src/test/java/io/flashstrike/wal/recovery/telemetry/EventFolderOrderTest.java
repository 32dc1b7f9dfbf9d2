package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.stream.EventFolder;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.ReplayConsumerException;
import io.flashstrike.wal.recovery.WalFixture;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The mirror equals the in-memory metrics in every family whatever order the events are folded
 * in: the real events of three runs into one metrics object (clean; the consumer throwing part
 * way, so the LSN goes back; a flipped byte, so statuses, anomalies and dropped bytes flow),
 * folded in recorded order, reversed and shuffled.
 */
class EventFolderOrderTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;

    @Test
    void everyOrderFoldsToTheInMemoryMetrics(@TempDir Path tmp) throws Exception {
        WalFixture wal = WalFixture.generate(tmp.resolve("wal"), 8, 16 << 10, 100, 7);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryManager manager = new RecoveryManager(metrics, RecoveryMode.TOLERATE_TAIL, false, 2);
        Path file = tmp.resolve("runs.jfr");
        try (Recording recording = new Recording(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")))) {
            recording.setToDisk(true);
            recording.start();
            manager.recover(wal.dir, (lsn, type, payload) -> { });
            long stopAt = wal.lsn(4, 3);
            assertThrows(ReplayConsumerException.class, () -> manager.recover(wal.dir, (lsn, type, payload) -> {
                if (lsn == stopAt) {
                    throw new IllegalStateException("consumer refuses LSN " + lsn);
                }
            }));
            wal.flip(5, wal.offset(5, 2) + 20, 0x01);
            manager.recover(wal.dir, (lsn, type, payload) -> { });
            recording.stop();
            recording.dump(file);
        }
        assertEquals(wal.lsn(5, 1), metrics.manager().lastValidLsn(), "the last run's LSN, lower than the first run's");
        MetricSamples truth = MetricSamples.of(c -> metrics.collect(P, c));
        assertEquals(java.util.Map.of(new Anomaly("CONSUMER", "failed"), 1L, new Anomaly("RECORD_CRC", "failed"), 1L), metrics.manager().anomalies());
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertFolds(truth, events, "recorded order");
        List<RecordedEvent> reversed = new ArrayList<>(events);
        Collections.reverse(reversed);
        assertFolds(truth, reversed, "reversed");
        for (long seed = 1; seed <= 20; seed++) {
            List<RecordedEvent> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed));
            assertFolds(truth, shuffled, "shuffled with seed " + seed);
        }
    }

    private static void assertFolds(MetricSamples truth, List<RecordedEvent> events, String order) {
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        EventFolder folder = new EventFolder(mirror);
        events.forEach(folder::fold);
        assertEquals(List.of(), MetricSamples.differences(truth, "in-memory", MetricSamples.of(c -> mirror.collect(P, c)),
                "folded"), order);
    }
}
