package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real Prometheus server (Debian package) scrapes our endpoint on loopback; we read our series back. */
class PrometheusServerTest {

    @Test
    void prometheusScrapesOurSeries(@TempDir Path tmp) throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(prometheus)) {
            assertTrue(!"true".equals(System.getenv("CI")), "prometheus is not installed; .ci/run installs it");
            assumeTrue(false, "prometheus not installed (apt-get install prometheus)");
        }
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        metrics.segmentPreloader().preloadSegment().record(2_000_000, Status.OK);
        metrics.segmentPreloader().preloadSegment().record(3_000_000, Status.CHECKSUM_MISMATCH);
        metrics.segmentPreloader().preloadSegment().record(4_000_000, Status.OK);
        try (MetricsHttpServer ours = MetricsHttpServer.start("127.0.0.1", 0,
                c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c))) {
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: flashstrike
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(ours.port()));
            Process server = null;
            int port = -1;
            try {
                // Prometheus cannot listen on port 0 and say which port it got: take a free one, retry when
                // another process bound it between our probe and Prometheus' listen.
                for (int attempt = 0; attempt < 5 && port < 0; attempt++) {
                    int candidate = freePort();
                    Path log = tmp.resolve("prometheus-" + attempt + ".log");
                    server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                            "--storage.tsdb.path=" + tmp.resolve("data-" + attempt), "--web.listen-address=127.0.0.1:" + candidate)
                            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                    if (awaitReady(server, log)) {
                        port = candidate;
                    }
                }
                assertTrue(port > 0, "Prometheus found no free port in 5 attempts");
                String query = "sum by (status) (flashstrike_wal_preload_segment_total{subsystem=\"wal_recovery_worker\",outcome=\"success\"})";
                String okValue = awaitValue(port, query, Duration.ofSeconds(45));
                assertEquals("2", okValue, "successes as Prometheus stored them");
                String failed = awaitValue(port, "flashstrike_wal_preload_segment_total{status=\"CHECKSUM_MISMATCH\"}", Duration.ofSeconds(10));
                assertEquals("1", failed);
                String up = awaitValue(port, "up{job=\"flashstrike\"}", Duration.ofSeconds(10));
                assertEquals("1", up, "the scrape itself succeeded");
            } finally {
                if (server != null) {
                    server.destroy();
                    if (!server.waitFor(10, TimeUnit.SECONDS)) {
                        Processes.destroy(server);
                    }
                }
            }
        }
    }

    /** Polls the query API until the instant query has one sample; returns its value. */
    private static String awaitValue(int port, String query, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"]");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                Matcher m = value.matcher(last);
                if (r.statusCode() == 200 && m.find()) {
                    return m.group(1);
                }
            } catch (java.io.IOException notUpYet) {
                last = notUpYet.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no sample for " + query + " within " + timeout + "; last answer: " + last);
    }

    /** @return true once Prometheus serves; false when it exited because its port was taken */
    private static boolean awaitReady(Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline) {
            String out = Files.readString(log);
            if (out.contains("Server is ready to receive web requests")) {
                return true;
            }
            if (!server.isAlive()) {
                assertTrue(out.contains("address already in use"), "Prometheus exited:\n" + out);
                return false;
            }
            Thread.sleep(100);
        }
        Processes.destroy(server);
        throw new AssertionError("Prometheus not ready within 45 s:\n" + Files.readString(log));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
