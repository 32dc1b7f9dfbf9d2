package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.export.WalMetricsSource;

import io.flashstrike.wal.testsupport.Promtool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentPreloaderTest {

    private static SegmentPreloader sample() {
        SegmentPreloader block = new SegmentPreloader();
        block.preloadSegment().record(1_000_000, Status.OK);
        block.preloadSegment().record(2_000_000, Status.OK);
        block.preloadSegment().record(3_000_000, Status.CHECKSUM_MISMATCH);
        block.finishSegment().record(250_000, Status.OK);
        return block;
    }

    @Test
    void dumpPrintsTheOriginalFrame() {
        StringBuilder out = new StringBuilder();
        sample().dump("wal", out);
        assertEquals("""
                [wal Metrics] Snapshot:
                -----------------------------------------------------------------
                 Preload segment: 6.000 ms | count 3 | failures 1 | mean 2.000 ms | p99 3.000 ms | max 3.000 ms
                 Finish segment : 0.250 ms | count 1 | failures 0 | mean 0.250 ms | p99 0.250 ms | max 0.250 ms
                -----------------------------------------------------------------
                """, out.toString());
    }

    @Test
    void dumpOfAnEmptyBlockPrintsZeros() {
        StringBuilder out = new StringBuilder();
        new SegmentPreloader().dump("empty", out);
        assertTrue(out.toString().contains(" Preload segment: 0.000 ms | count 0 | failures 0"), out.toString());
    }

    @Test
    void dumpReportsAFailingSinkAsUncheckedIo() {
        Writer broken = new Writer() {
            @Override
            public void write(char[] b, int off, int len) throws IOException {
                throw new IOException("sink down");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> sample().dump("x", broken));
        assertEquals("sink down", e.getCause().getMessage());
    }

    @Test
    void collectPushesTheSubsystemLabelAroundBothMetrics() throws Exception {
        String text = WalMetricsSource.text(c -> sample().collect("flashstrike_wal", c));
        assertTrue(text.contains("# TYPE flashstrike_wal_preload_segment_total counter\n"), text);
        assertTrue(text.contains(
                "flashstrike_wal_preload_segment_total{outcome=\"success\",status=\"OK\",subsystem=\"wal_recovery_worker\"} 2.0\n"), text);
        assertTrue(text.contains(
                "flashstrike_wal_preload_segment_total{outcome=\"failure\",status=\"CHECKSUM_MISMATCH\",subsystem=\"wal_recovery_worker\"} 1.0\n"), text);
        assertTrue(text.contains(
                "flashstrike_wal_preload_segment_total{outcome=\"failure\",status=\"IO_ERROR\",subsystem=\"wal_recovery_worker\"} 0.0\n"), text);
        assertTrue(text.contains("# TYPE flashstrike_wal_preload_segment_duration_seconds histogram\n"), text);
        // 1, 2 and 3 ms: two at or below le=2.00703 ms, all three at or below 5.013503 ms
        assertTrue(text.contains("flashstrike_wal_preload_segment_duration_seconds_bucket{subsystem=\"wal_recovery_worker\",le=\"0.002007039\"} 2\n"), text);
        assertTrue(text.contains("flashstrike_wal_preload_segment_duration_seconds_bucket{subsystem=\"wal_recovery_worker\",le=\"0.005013503\"} 3\n"), text);
        assertTrue(text.contains("flashstrike_wal_preload_segment_duration_seconds_sum{subsystem=\"wal_recovery_worker\"} 0.006\n"), text);
        assertTrue(text.contains("flashstrike_wal_preload_segment_duration_seconds_count{subsystem=\"wal_recovery_worker\"} 3\n"), text);
        assertTrue(text.contains("flashstrike_wal_finish_segment_duration_max_seconds{subsystem=\"wal_recovery_worker\"} 2.5E-4\n"), text);
        Promtool.assertClean(text);
    }
}
