package io.flashstrike.wal.recovery.telemetry.jfr;

import io.flashstrike.wal.recovery.telemetry.WalOperations;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-JVM main of {@link StalePooledStringTest}, in a fresh JVM. Two recordings one after the
 * other, as a test suite or an operator starting a second recording makes them; in each, a new
 * worker thread (as each recovery's preload worker is) commits preloads with status
 * {@code CHECKSUM_MISMATCH}: twice in the first (inline, then pooled), once in the second. Prints
 * the statuses read back from the second recording's file, and whether the file holds the
 * string's bytes at all (when it does not, JFR wrote a reference to a string it never wrote).
 */
public final class StalePoolProbe {
    private StalePoolProbe() {
    }

    public static void main(String[] args) throws Exception {
        WalOperations.register();
        Path dir = Path.of(args[0]);
        record(dir.resolve("first.jfr"), 2);
        Path second = dir.resolve("second.jfr");
        record(second, 1);
        List<String> statuses = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(second)) {
            if (e.getEventType().getName().equals(PreloadSegmentEvent.NAME)) {
                statuses.add(String.valueOf(e.getString("status")));
            }
        }
        boolean written = new String(Files.readAllBytes(second), StandardCharsets.ISO_8859_1).contains(Status.CHECKSUM_MISMATCH.name());
        System.out.println("second recording: statuses " + statuses + ", string in file: " + written + ", on " + Runtime.version());
    }

    private static void record(Path file, int preloads) throws Exception {
        try (Recording r = new Recording(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")));
             SegmentPreloaderUpdater u = new SegmentPreloaderUpdater(new SegmentPreloader())) {
            r.setToDisk(true);
            r.start();
            Thread worker = new Thread(() -> {
                for (int i = 0; i < preloads; i++) {
                    u.onPreloadSegment(System.nanoTime() - 1_000, Status.CHECKSUM_MISMATCH, i, "w", 1, 1, "crc");
                }
            }, "probe-worker");
            worker.start();
            worker.join();
            r.stop();
            r.dump(file);
        }
    }
}
