package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.flashstrike.wal.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: a batch recovery pushes to a real Pushgateway (Debian's, on loopback), which a real
 * Prometheus scrapes with {@code honor_labels: true}; what Prometheus returns is the run's.
 */
class PushGatewayCliTest {
    private static final String JOB = "{job=\"flashstrike_wal_recovery\",instance=\"node-a\",wal=\"/data/orders\"}";

    @Test
    void aRunsFamiliesAndItsLastSuccessReachPrometheusThroughThePushgateway(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(4).segmentSize(64 << 10).payloadSize(100).generate();
        try (PrometheusServer gateway = PrometheusServer.startPushgateway(tmp.resolve("pgw"));
             PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prom"), """
                     global:
                       scrape_interval: 1s
                     scrape_configs:
                       - job_name: pushgateway
                         honor_labels: true
                         static_configs:
                           - targets: ['127.0.0.1:%d']
                     """.formatted(gateway.port()))) {
            double before = System.currentTimeMillis() / 1000.0;
            CliTest.Run ok = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1", "--dump-interval", "0",
                    "--push-gateway", gateway.url(), "--push-label", "instance=node-a", "--push-label", "wal=/data/orders",
                    "--push-interval", "0.2");
            double after = System.currentTimeMillis() / 1000.0;
            assertEquals(0, ok.exit(), ok.out() + ok.err());
            assertEquals("", ok.err(), "a good push says nothing on stderr");
            assertTrue(ok.out().contains("pushed to " + gateway.url() + "/metrics/job/flashstrike_wal_recovery/instance/node-a/wal@base64/"),
                    ok.out());
            long records = figure(ok.out(), "records         : (\\d+)");
            long lsn = figure(ok.out(), "last valid LSN  : (\\d+)");

            // honor_labels keeps the grouping key's job and instance, not the scrape target's.
            assertEquals(records, await(prometheus, "flashstrike_wal_records_read_total" + JOB.replace("}", ",subsystem=\"wal_segment_reader\"}"), records));
            assertEquals(lsn, await(prometheus, "flashstrike_wal_last_valid_lsn" + JOB.replace("}", ",subsystem=\"wal_recovery_manager\"}"), lsn));
            assertEquals(4, await(prometheus, "sum(flashstrike_wal_preload_segment_total" + JOB + ")", 4));
            assertEquals(4, await(prometheus, "sum(flashstrike_wal_preload_segment_duration_seconds_count" + JOB + ")", 4));
            double success = single(prometheus.query("flashstrike_wal_last_success_timestamp_seconds" + JOB));
            double lastRun = single(prometheus.query("flashstrike_wal_last_run_timestamp_seconds" + JOB));
            assertTrue(success >= before - 1 && success <= after + 1, success + " not within the run " + before + ".." + after);
            assertEquals(success, lastRun, 1e-6);

            // A corrupt log: exit 3 as ever; the run is recorded, the last success is the earlier one (POST keeps it).
            try (RandomAccessFile f = new RandomAccessFile(Files.list(wal).sorted().toList().get(1).toFile(), "rw")) {
                f.seek(f.length() / 2);
                f.write(f.read() ^ 0x5a);
            }
            Thread.sleep(1_100); // a later timestamp for the second run
            CliTest.Run bad = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1", "--dump-interval", "0",
                    "--push-gateway", gateway.url(), "--push-label", "instance=node-a", "--push-label", "wal=/data/orders");
            assertEquals(3, bad.exit(), bad.out() + bad.err());
            double lastRun2 = awaitAbove(prometheus, "flashstrike_wal_last_run_timestamp_seconds" + JOB, lastRun);
            assertTrue(lastRun2 > lastRun);
            assertEquals(success, single(prometheus.query("flashstrike_wal_last_success_timestamp_seconds" + JOB)), 1e-6,
                    "a failed run leaves the last success alone");
            assertTrue(await(prometheus, "sum(flashstrike_wal_recover_total" + JOB.replace("}", ",outcome=\"failure\"}") + ")", 1) == 1,
                    "the failed recovery is counted");
        }
    }

    @Test
    void aGatewayThatIsDownOrAnswersAnErrorIsOneLineAndTheOutcomeStands(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(2).segmentSize(64 << 10).payloadSize(100).generate();
        CliTest.Run down = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1", "--dump-interval", "0",
                "--push-gateway", "http://127.0.0.1:1", "--push-interval", "0");
        assertEquals(0, down.exit(), down.err());
        assertEquals(List.of("flashstrike-wal: push to http://127.0.0.1:1/metrics/job/flashstrike_wal_recovery failed:"
                + " connection refused (the recovery's outcome stands)"), down.err().lines().toList());

        try (PrometheusServer gateway = PrometheusServer.startPushgateway(tmp.resolve("pgw"))) {
            CliTest.Run notFound = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1", "--dump-interval", "0",
                    "--push-gateway", gateway.url() + "/no-such-prefix", "--push-interval", "0");
            assertEquals(0, notFound.exit(), notFound.err());
            assertEquals(1, notFound.err().lines().count(), notFound.err());
            assertTrue(notFound.err().contains("failed: HTTP 404"), notFound.err());
        }
    }

    @Test
    void badPushOptionsAreUsageErrorsBeforeAnyWork(@TempDir Path tmp) {
        for (String[] bad : new String[][] {{"--push-gateway", "ftp://x"}, {"--push-gateway", "http://127.0.0.1:9091", "--push-label", "job=x"},
                {"--push-gateway", "http://127.0.0.1:9091", "--push-label", "bad-name=x"},
                {"--push-gateway", "http://127.0.0.1:9091", "--push-interval", "-1"}}) {
            String[] args = new String[bad.length + 4];
            System.arraycopy(new String[] {"recover", "--dir", tmp.toString(), "--no-jfr"}, 0, args, 0, 4);
            System.arraycopy(bad, 0, args, 4, bad.length);
            CliTest.Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertFalse(r.out().contains("Recovery summary"), r.out());
        }
    }

    private static long figure(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " in " + out);
        return Long.parseLong(m.group(1));
    }

    private static long await(PrometheusServer p, String query, double expected) throws Exception {
        return (long) p.awaitValue(query, expected, Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("no sample: " + query));
    }

    private static double awaitAbove(PrometheusServer p, String query, double floor) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Double> v = p.query(query);
            if (v.size() == 1 && v.get(0) > floor) {
                return v.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError(query + " never rose above " + floor);
    }

    private static double single(List<Double> values) {
        assertEquals(1, values.size(), "one sample: " + values);
        return values.get(0);
    }
}
