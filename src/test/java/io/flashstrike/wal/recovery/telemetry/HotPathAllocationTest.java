package io.flashstrike.wal.recovery.telemetry;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The updater's hot path allocates nothing, with JFR off and with every event committed. */
class HotPathAllocationTest {
    private static final int CALLS = 200_000;
    private static final String PATH = "/wal/00000000000000000007.wal";
    private static final String DETAIL = "record CRC mismatch";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void noAllocationWithJfrOff() {
        SegmentPreloaderUpdater updater = new SegmentPreloaderUpdater(new SegmentPreloader());
        assertEquals(0, allocatedBy(updater));
    }

    @Test
    void noAllocationWithEveryEventCommitted() throws Exception {
        SegmentPreloader block = new SegmentPreloader();
        SegmentPreloaderUpdater updater = new SegmentPreloaderUpdater(block);
        try (Recording recording = new Recording(Configuration.create(SegmentPreloaderJfrTest.JFC))) {
            recording.setToDisk(false);
            recording.start();
            assertEquals(0, allocatedBy(updater));
            recording.stop();
        }
        assertEquals(0, updater.jfrErrors());
        assertTrue(block.preloadSegment().snapshot().count() >= 2L * CALLS);
    }

    /** Warms up (JIT, calibration), then counts the bytes this thread allocates over CALLS calls. */
    private static long allocatedBy(SegmentPreloaderUpdater updater) {
        run(updater);
        run(updater);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        run(updater);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void run(SegmentPreloaderUpdater updater) {
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            if ((i & 7) == 7) {
                updater.onPreloadSegment(start, Status.CHECKSUM_MISMATCH, i, PATH, 4096, 0, DETAIL);
            } else {
                updater.onPreloadSegment(start, Status.OK, i, PATH, 4096, 12, null);
            }
            updater.onFinishSegment(start, Status.OK);
        }
    }
}
