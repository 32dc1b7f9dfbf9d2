package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalOperations;

/**
 * Child-JVM main of {@link StreamLossTest}. {@code burst N}: two threads, each with its own
 * preloader block, commit N preload events apiece as fast as they can, so that JFR's tiny buffers
 * (set by the test's flags) overflow. {@code chunks N}: one block commits N events in each of
 * three phases, with a chunk rotation (a recording started and stopped) between phases, so the
 * test can delete the middle chunk. Prints the producer's own total.
 */
public final class LossBurst {
    private LossBurst() {
    }

    public static void main(String[] args) throws Exception {
        WalOperations.register();
        int n = Integer.parseInt(args[1]);
        if (args[0].equals("chunks")) {
            chunks(n);
            return;
        }
        Thread[] threads = new Thread[2];
        SegmentPreloader[] blocks = new SegmentPreloader[threads.length];
        for (int t = 0; t < threads.length; t++) {
            SegmentPreloader block = blocks[t] = new SegmentPreloader();
            String path = "/var/lib/flashstrike/wal/burst-" + t + "/" + "0".repeat(80) + ".wal";
            threads[t] = new Thread(() -> {
                try (SegmentPreloaderUpdater u = new SegmentPreloaderUpdater(block)) {
                    for (int i = 0; i < n; i++) {
                        u.onPreloadSegment(System.nanoTime() - 1_000, Status.OK, i, path, 4096, 16, null);
                    }
                }
            });
            threads[t].start();
        }
        long total = 0;
        for (int t = 0; t < threads.length; t++) {
            threads[t].join();
            total += blocks[t].preloadSegment().snapshot().count();
        }
        System.out.println("producer preload_segment total " + total);
    }

    private static void chunks(int n) {
        SegmentPreloader block = new SegmentPreloader();
        try (SegmentPreloaderUpdater u = new SegmentPreloaderUpdater(block)) {
            for (int phase = 0; phase < 3; phase++) {
                if (phase > 0) {
                    try (jdk.jfr.Recording rotate = new jdk.jfr.Recording()) {
                        rotate.start(); // a recording starting or stopping ends the current chunk
                        rotate.stop();
                    }
                }
                for (int i = 0; i < n; i++) {
                    u.onPreloadSegment(System.nanoTime() - 1_000, Status.OK, i, "/wal/phase-" + phase, 4096, 16, null);
                }
            }
        }
        System.out.println("producer preload_segment total " + block.preloadSegment().snapshot().count());
    }
}
