package io.flashstrike.wal.recovery.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latest operation per latency range, kept by the writer and read whole by any thread. */
class ExemplarSlotsTest {

    @Test
    void eachRangeKeepsItsLatestOperationTheLatestFirst() {
        Operation64 op = new Operation64(Status.OUTCOMES, "segment_id");
        long now = System.nanoTime();
        op.record(1_000_000, Status.OK, 1, now);        // 1 ms
        op.record(1_001_000, Status.OK, 2, now + 10);    // same range: replaces segment 1
        op.record(50_000_000, Status.OK, 3, now + 20);   // 50 ms
        op.record(2_000_000, Status.OK, -1, now + 30);   // no id: counted, not kept
        Operation64.Snapshot s = op.snapshot();
        assertEquals(4, s.count());
        List<LatencyExemplar> kept = s.latency().exemplars();
        assertEquals(List.of(3L, 2L), kept.stream().map(LatencyExemplar::id).toList(), kept.toString());
        assertEquals(50_000_000, kept.get(0).valueNanos());
        assertEquals(1_001_000, kept.get(1).valueNanos());
        assertEquals("segment_id", kept.get(0).label());
        long wall = System.currentTimeMillis();
        assertTrue(Math.abs(kept.get(0).epochMillis() - wall) < 5_000, kept.get(0) + " ended about now (" + wall + ")");
    }

    @Test
    void aMetricWithoutAnExemplarLabelKeepsNone() {
        Operation64 op = new Operation64(Status.OUTCOMES);
        op.record(1_000_000, Status.OK, 7, System.nanoTime());
        assertEquals(List.of(), op.snapshot().latency().exemplars());
        assertEquals(1, op.snapshot().count());
    }

    @Test
    void theWalsSegmentOperationsKeepSegmentIdsAndTheRunNone() {
        assertEquals("segment_id", WalOperations.PRELOAD_SEGMENT.exemplarLabel());
        assertEquals("segment_id", WalOperations.READ_SEGMENT.exemplarLabel());
        assertNull(WalOperations.RECOVER.exemplarLabel());
        WalRecoveryMetrics m = new WalRecoveryMetrics();
        try (SegmentPreloaderUpdater u = new SegmentPreloaderUpdater(m.segmentPreloader())) {
            u.onPreloadSegment(System.nanoTime() - 3_000_000, Status.OK, 42, "p", 1, 1, null);
        }
        List<LatencyExemplar> kept = m.segmentPreloader().preloadSegment().snapshot().latency().exemplars();
        assertEquals(1, kept.size());
        assertEquals(42, kept.get(0).id());
        assertTrue(kept.get(0).valueNanos() >= 3_000_000, kept.toString());
    }

    @Test
    void aReaderNeverPairsOneOperationsIdWithAnothersDuration() throws Exception {
        Operation64 op = new Operation64(Status.OUTCOMES, "segment_id");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        // Every id's duration and end are functions of the id, all in one range: any mix is visible.
        Thread writer = new Thread(() -> {
            for (long id = 0; !stop.get(); id++) {
                op.record(1_000_000 + (id & 0xFF), Status.OK, id, id * 3);
            }
        });
        writer.start();
        try {
            long deadline = System.nanoTime() + 300_000_000L;
            int reads = 0;
            while (System.nanoTime() < deadline && torn.get() == null) {
                for (LatencyExemplar x : op.snapshot().latency().exemplars()) {
                    if (x.valueNanos() != 1_000_000 + (x.id() & 0xFF) || x.endNanoTime() != x.id() * 3) {
                        torn.set(x.toString());
                    }
                }
                reads++;
            }
            assertNull(torn.get(), "a torn exemplar after " + reads + " reads");
        } finally {
            stop.set(true);
            writer.join(5_000);
        }
    }
}
