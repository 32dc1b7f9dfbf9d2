package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import jdk.jfr.Configuration;
import jdk.jfr.consumer.RecordingStream;

import java.nio.file.Path;

/**
 * Child-JVM main of {@link PooledStringNullTest}, in a fresh JVM. Streams this JVM's events;
 * commits three preloads with status {@code CHECKSUM_MISMATCH} (17 characters: inline once, pooled
 * from the second occurrence); after two batches, an event class not used before
 * ({@link LateEvent}), whose metadata then arrives mid-stream unless it was registered; after two
 * more batches, three more such preloads. Prints what the stream folded. With {@code registered},
 * the late class is described as an operation before the stream starts, as an application's own
 * operation would be (describing registers the class); without, it is a plain JFR event.
 */
public final class PooledStringProbe {
    /** An event class no one used before the stream started. */
    @jdk.jfr.Name("flashstrike.test.Late")
    public static final class LateEvent extends jdk.jfr.Event {
        public String status;
    }

    private PooledStringProbe() {
    }

    public static void main(String[] args) throws Exception {
        WalOperations.register();
        if (args[0].equals("registered")) {
            OperationType.of("late_probe", LateEvent.class, Status.OUTCOMES);
        }
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        RecordingStream rs = new RecordingStream(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")));
        try (WalEventStream stream = WalEventStream.of(rs, "probe", mirror).start();
             SegmentPreloaderUpdater preloads = new SegmentPreloaderUpdater(new SegmentPreloader())) {
            commit(preloads, 3);
            awaitBatches(stream, 2);
            new LateEvent().commit();
            awaitBatches(stream, 2);
            commit(preloads, 3);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (stream.eventsSeen() < 7 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        var folded = mirror.segmentPreloader().preloadSegment().snapshot();
        System.out.println("folded CHECKSUM_MISMATCH=" + folded.count(Status.CHECKSUM_MISMATCH) + " UNKNOWN="
                + folded.count(Status.UNKNOWN) + " on " + Runtime.version());
    }

    private static void commit(SegmentPreloaderUpdater u, int n) {
        for (int i = 0; i < n; i++) {
            u.onPreloadSegment(System.nanoTime() - 1_000, Status.CHECKSUM_MISMATCH, i, "/wal/" + i, 1, 1, "crc");
        }
    }

    private static void awaitBatches(WalEventStream stream, int n) throws InterruptedException {
        long until = stream.flushes() + n;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (stream.flushes() < until && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
