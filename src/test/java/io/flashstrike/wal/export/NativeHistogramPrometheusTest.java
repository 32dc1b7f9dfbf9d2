package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.NativeBuckets;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PrometheusServer;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --native-histograms}: a real Prometheus with native histograms on scrapes a recovery (it
 * asks for protobuf, which carries them) and stores each latency as one native histogram; its
 * p99 must lie within one native bucket of the exact p99 from the run's JFR recording, and its
 * count must be the number of preloads. The text format keeps the classic buckets.
 */
class NativeHistogramPrometheusTest {
    private static final int SCHEMA = 3;

    @Test
    void prometheusStoresNativeHistogramsWhoseP99IsWithinOneBucketOfTheExactOne(@TempDir Path tmp) throws Exception {
        PrometheusServer.require();
        WalGenerator.into(tmp.resolve("wal")).segments(40).segmentSize(64 << 10).payloadSize(200).generate();
        ChildJvm.Serving run = ChildJvm.startServingRecovery(tmp.resolve("run.log"), "--dir", tmp.resolve("wal").toString(),
                "--jfr", tmp.resolve("run.jfr").toString(), "--dump-interval", "0", "--native-histograms", String.valueOf(SCHEMA));
        try {
            ChildJvm.awaitOutput(tmp.resolve("run.log"), "serving the final values", Duration.ofSeconds(60));
            long[] exact = RecordingFile.readAllEvents(tmp.resolve("run.jfr")).stream()
                    .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME))
                    .mapToLong(e -> e.getDuration().toNanos()).sorted().toArray();
            assertEquals(40, exact.length, "one PreloadSegment event per segment");
            double p99 = exact[(int) Math.ceil(0.99 * exact.length) - 1] / 1e9;

            String text = Exposition.scrape("http://127.0.0.1:" + run.port() + "/metrics");
            assertTrue(text.contains("flashstrike_wal_preload_segment_duration_seconds_bucket{subsystem=\"wal_recovery_worker\",le=\"+Inf\"} 40\n"), "text keeps classic buckets:\n" + text);

            try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"),
                    List.of("--enable-feature=native-histograms"), PrometheusServer.scrapingEverySecond(run.port()))) {
                String series = "flashstrike_wal_preload_segment_duration_seconds";
                OptionalDouble count = prometheus.awaitValue("histogram_count(" + series + ")", exact.length, Duration.ofSeconds(45));
                assertEquals(exact.length, count.orElse(-1), "a native histogram with every preload\n" + prometheus.log());
                double stored = single(prometheus.query("histogram_quantile(0.99, " + series + ")"));
                double base = NativeBuckets.ofSchema(SCHEMA).growthFactor();
                int exactBucket = (int) Math.ceil(Math.log(p99) / Math.log(base));
                int storedBucket = (int) Math.ceil(Math.log(stored) / Math.log(base));
                System.out.printf("native: %d preloads, exact p99 %.6f s (bucket %d), Prometheus p99 %.6f s (bucket %d), schema %d%n",
                        exact.length, p99, exactBucket, stored, storedBucket, SCHEMA);
                assertTrue(Math.abs(exactBucket - storedBucket) <= 1, "p99 " + stored + " s vs exact " + p99 + " s, buckets "
                        + storedBucket + " and " + exactBucket + " (growth " + base + ")");
            }
        } finally {
            run.process().destroyForcibly().waitFor();
        }
    }

    private static double single(List<Double> values) {
        assertEquals(1, values.size(), "one sample: " + values);
        return values.get(0);
    }
}
