package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.PrometheusServer;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's fleet: two recoveries in two JVMs (different WALs, different latency profiles), each
 * serving /metrics, scraped by one real Prometheus. The fleet-wide p99 that Prometheus computes
 * from the summed histogram buckets must land within one bucket of the exact p99 of the union of
 * both runs' preload durations, read from their JFR recordings; the recording rule of
 * {@code monitoring/rules.yml} must give the same answer.
 */
class FleetPrometheusTest {
    @Test
    void fleetP99FromSummedBucketsIsWithinOneBucketOfTheExactP99(@TempDir Path tmp) throws Exception {
        PrometheusServer.require();
        // Instance a: many small segments (fast preloads); instance b: few large ones (slow preloads).
        WalGenerator.into(tmp.resolve("wal-a")).segments(60).segmentSize(64 << 10).payloadSize(200).generate();
        WalGenerator.into(tmp.resolve("wal-b")).segments(6).segmentSize(8 << 20).payloadSize(4000).generate();
        List<Process> children = new ArrayList<>();
        try {
            int portA = startRecovery(tmp, "a", children);
            int portB = startRecovery(tmp, "b", children);
            awaitLine(tmp.resolve("a.log"), "serving the final values");
            awaitLine(tmp.resolve("b.log"), "serving the final values");

            long[] exact = concat(preloadNanos(tmp.resolve("a.jfr")), preloadNanos(tmp.resolve("b.jfr")));
            Arrays.sort(exact);
            assertEquals(66, exact.length, "one PreloadSegment event per segment");
            long p99 = exact[(int) Math.ceil(0.99 * exact.length) - 1];

            String rules = Files.readString(Path.of("monitoring", "rules.yml")).replace("interval: 15s", "interval: 1s");
            try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: [rules.yml]
                    scrape_configs:
                      - job_name: flashstrike_wal
                        static_configs:
                          - targets: ['127.0.0.1:%d', '127.0.0.1:%d']
                    """.formatted(portA, portB), "rules.yml", rules)) {
                OptionalDouble total = prometheus.awaitValue("sum(flashstrike_wal_preload_segment_total)", exact.length,
                        Duration.ofSeconds(45));
                assertEquals(exact.length, total.orElse(-1), "fleet total as Prometheus stored it\n" + prometheus.log());
                assertEquals(List.of(1.0, 1.0), prometheus.query("up{job=\"flashstrike_wal\"}"), "both scrapes succeeded");

                double fleet = single(prometheus.query(
                        "histogram_quantile(0.99, sum by (le) (flashstrike_wal_preload_segment_duration_seconds_bucket))"));
                int exactBucket = bucketOf(p99 / 1e9);
                int fleetBucket = bucketOf(fleet);
                System.out.printf("fleet: %d preloads, exact p99 %.6f s, Prometheus' fleet p99 %.6f s%n", exact.length, p99 / 1e9, fleet);
                assertTrue(Math.abs(exactBucket - fleetBucket) <= 1, "fleet p99 " + fleet + " s (bucket " + fleetBucket
                        + ") vs exact p99 " + p99 / 1e9 + " s (bucket " + exactBucket + ")");

                OptionalDouble recorded = prometheus.awaitValue("flashstrike_wal:preload_segment_duration_seconds:p99_1h", fleet,
                        Duration.ofSeconds(20));
                assertEquals(fleet, recorded.orElse(Double.NaN), 1e-12, "the recording rule agrees");
                assertEquals(exact.length, prometheus.awaitValue("flashstrike_wal:preload_segment:total_1h", exact.length,
                        Duration.ofSeconds(20)).orElse(-1));
            }
        } finally {
            for (Process p : children) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Starts {@code recover} on {@code wal-NAME} with JFR to NAME.jfr, serving on a free port; returns the port. */
    private static int startRecovery(Path tmp, String name, List<Process> children) throws Exception {
        ChildJvm.Serving s = ChildJvm.startServingRecovery(tmp.resolve(name + ".log"), "--dir", tmp.resolve("wal-" + name).toString(),
                "--jfr", tmp.resolve(name + ".jfr").toString(), "--dump-interval", "0");
        children.add(s.process());
        return s.port();
    }

    private static void awaitLine(Path log, String text) throws Exception {
        ChildJvm.awaitOutput(log, text, Duration.ofSeconds(60));
    }

    private static long[] preloadNanos(Path jfr) throws Exception {
        return RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME))
                .mapToLong(e -> e.getDuration().toNanos()).toArray();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Index of the default histogram bucket ({@code (le[i-1], le[i]]}) holding {@code seconds}; size() for +Inf. */
    private static int bucketOf(double seconds) {
        double[] le = HistogramBounds.DEFAULT.upperSeconds();
        int i = 0;
        while (i < le.length && seconds > le[i]) {
            i++;
        }
        return i;
    }

    private static double single(List<Double> values) {
        assertEquals(1, values.size(), "one sample: " + values);
        return values.get(0);
    }
}
