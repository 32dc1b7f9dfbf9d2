package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import jdk.jfr.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process stream survives what its handlers and sinks do to it, within bounded time. */
class StreamSurvivalTest {
    private static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    @Test
    void aThrowingHandlerIsCountedAndTheStreamGoesOn() throws Exception {
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        try (WalEventStream stream = WalEventStream.inProcess(Configuration.create(JFC), mirror)
                .onFolded(e -> {
                    throw new IllegalStateException("sink rejected the event");
                })) {
            stream.start();
            commitPreloads(20);
            awaitEvents(stream, 20);
            assertEquals(20, stream.handlerErrors());
            assertEquals(20, mirror.segmentPreloader().preloadSegment().snapshot().count(), "every event still folded");
            commitPreloads(5);
            awaitEvents(stream, 25);
            assertEquals(25, mirror.segmentPreloader().preloadSegment().snapshot().count());
        }
    }

    @Test
    void aSlowSinkDelaysButNeitherLosesNorHangs() throws Exception {
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        WalEventStream stream = WalEventStream.inProcess(Configuration.create(JFC), mirror)
                .onFlush(() -> sleep(300));
        try {
            stream.start();
            commitPreloads(10);
            awaitEvents(stream, 10);
            assertEquals(10, mirror.segmentPreloader().preloadSegment().snapshot().count());
            stream.close();
            assertTrue(stream.awaitTermination(Duration.ofSeconds(10)), "close hung behind a slow sink");
        } finally {
            stream.close(); // idempotent; a failed assertion above must not leave the RecordingStream running
        }
    }

    @Test
    void aRepositoryThatIsNotThereIsAOneLineError(@org.junit.jupiter.api.io.TempDir Path tmp) {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Repositories.resolve(tmp.resolve("missing"), -1));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        java.io.IOException none = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Repositories.resolve(tmp, -1));
        assertTrue(none.getMessage().contains("no repository of a live JVM"), none.getMessage());
    }

    private static void commitPreloads(int n) {
        try (SegmentPreloaderUpdater updater = new SegmentPreloaderUpdater(new SegmentPreloader())) {
            for (int i = 0; i < n; i++) {
                updater.onPreloadSegment(System.nanoTime() - 1_000, i % 5 == 0 ? Status.IO_ERROR : Status.OK, i, "/wal/x", 1, 1, null);
            }
        }
    }

    private static void awaitEvents(WalEventStream stream, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stream.eventsSeen() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, stream.eventsSeen(), "events folded");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
