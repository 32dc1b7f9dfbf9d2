package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.stream.EventFolder;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import io.flashstrike.wal.segment.WalGenerator;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each run's first hand-over is the pipeline filling: counted apart (the alert and the JMC rule
 * judge only the later waits), marked on its JFR event, and folded from the events to the same sum.
 */
class FillWaitTest {

    @Test
    void theFirstWaitOfEachRunIsTheFillInMemoryInJfrAndInTheMirror(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(5).segmentSize(64 << 10).payloadSize(100).generate();
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        Path file = tmp.resolve("fill.jfr");
        try (Recording r = new Recording(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")))) {
            r.start();
            for (int run = 0; run < 2; run++) {
                new RecoveryManager(metrics).recover(wal, (lsn, type, payload) -> { });
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> waits = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(WaitForSegmentEvent.NAME)).toList();
        List<RecordedEvent> fills = waits.stream().filter(e -> e.getBoolean("fill")).toList();
        assertEquals(2, fills.size(), "one fill per run");
        assertEquals(10, waits.size(), "a wait per segment handed over: 5 x 2");
        long fillNanos = fills.stream().mapToLong(e -> e.getDuration().toNanos()).sum();
        assertEquals(fillNanos, metrics.segmentReader().fillWaitNanos());
        assertTrue(fillNanos <= metrics.segmentReader().waitForSegment().snapshot().totalNanos());

        EventFolder mirror = new EventFolder(new WalRecoveryMetrics());
        List<RecordedEvent> backwards = new java.util.ArrayList<>(waits);
        java.util.Collections.reverse(backwards);
        backwards.forEach(mirror::fold); // order-free
        assertEquals(fillNanos, mirror.metrics().segmentReader().fillWaitNanos());
    }
}
