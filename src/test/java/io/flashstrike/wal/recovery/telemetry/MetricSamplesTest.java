package io.flashstrike.wal.recovery.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-of-run comparison names every series that differs, with both values. */
class MetricSamplesTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;

    @Test
    void namesEachDifferingSeriesWithBothValues() {
        WalRecoveryMetrics truth = new WalRecoveryMetrics();
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        for (WalRecoveryMetrics m : List.of(truth, mirror)) {
            m.segmentPreloader().preloadSegment().record(2_000, Status.OK);
            new ManagerUpdater(m.manager()).onSegmentReplayed(699_000);
        }
        truth.segmentPreloader().preloadSegment().record(3_000, Status.CHECKSUM_MISMATCH);
        mirror.segmentPreloader().preloadSegment().record(3_000, Status.UNKNOWN);
        new ManagerUpdater(mirror.manager()).onSegmentReplayed(692_942);

        MetricSamples a = MetricSamples.of(c -> truth.collect(P, c));
        assertEquals(List.of(), MetricSamples.differences(a, "in-memory", MetricSamples.of(c -> truth.collect(P, c)), "again"));
        List<String> diff = MetricSamples.differences(a, "in-memory", MetricSamples.of(c -> mirror.collect(P, c)), "stream");
        assertEquals(List.of(
                P + "_last_valid_lsn{subsystem=\"wal_recovery_manager\"}: in-memory 699000, stream 692942",
                P + "_preload_segment_total{subsystem=\"wal_recovery_worker\",outcome=\"failure\",status=\"CHECKSUM_MISMATCH\"}: in-memory 1, stream 0",
                P + "_preload_segment_total{subsystem=\"wal_recovery_worker\",outcome=\"failure\",status=\"UNKNOWN\"}: in-memory 0, stream 1",
                P + "_segments_replayed_total{subsystem=\"wal_recovery_manager\"}: in-memory 1, stream 2"),
                diff);
        assertTrue(a.families().contains(P + "_preload_segment_duration_seconds"), a.families().toString());
    }
}
