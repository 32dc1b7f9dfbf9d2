package io.flashstrike.wal.stream;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.Processes;
import io.flashstrike.wal.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production set-up end to end: a recovery in a child JVM switched on with JVM flags only,
 * followed through its disk repository by the sidecar stream, scraped over HTTP; the scraped
 * counters must equal the child's own final dump.
 */
class SidecarEndToEndTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;

    @Test
    void scrapedCountersEqualTheChildsOwnDump(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        assertEquals(0, CliTest.run("generate", "--dir", wal.toString(), "--segments", "5", "--segment-size", "256KiB").exit());
        // A flipped byte in segment 3 of 5, so failures flow through the stream too (exit 3).
        try (var ch = java.nio.channels.FileChannel.open(wal.resolve("00000000000000000003.wal"),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, 5000);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x80)}), 5000);
        }
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Path log = tmp.resolve("child.log");
        Process child = ChildJvm.start(List.of("-XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc",
                        "-XX:FlightRecorderOptions=repository=" + repo),
                log, "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "0", "--linger", "4");
        try {
            followAndCompare(child, repo, log);
        } finally {
            Processes.destroy(child); // a no-op after a clean end; a failed assertion must not leave it running
        }
    }

    private static void followAndCompare(Process child, Path repo, Path log) throws Exception {
        Path perProcess = ChildJvm.awaitRepository(repo, child.pid());
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        try (WalEventStream stream = WalEventStream.openRepository(perProcess, mirror);
             MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, c -> stream.collect(P, c))) {
            stream.start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            assertEquals(3, child.exitValue(), Files.readString(log));
            String dump = Files.readString(log);
            long expected = count(dump, "Preload segment") + count(dump, "Finish segment ") + count(dump, "Wait for segment")
                    + count(dump, "Read segment    ") + count(dump, "Recover         ");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stream.eventsSeen() < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String text = Exposition.scrape(server.url());
            assertOperation(text, dump, P + "_preload_segment", "Preload segment");
            assertOperation(text, dump, P + "_finish_segment", "Finish segment ");
            assertOperation(text, dump, P + "_wait_for_segment", "Wait for segment");
            assertOperation(text, dump, P + "_read_segment", "Read segment    ");
            assertOperation(text, dump, P + "_recover", "Recover         ");
            assertEquals(value(dump, "Records read    "), Exposition.sum(text, P + "_records_read_total", ""));
            assertEquals(value(dump, "Last valid LSN  "), Exposition.sum(text, P + "_last_valid_lsn", ""));
            assertEquals(expected, Exposition.sum(text, P + "_stream_events_total", ""));
            assertEquals(0, stream.handlerErrors());
            assertEquals(1, Exposition.sum(text, P + "_preload_segment_total", "status=\"CHECKSUM_MISMATCH\""));
            assertEquals(1, Exposition.sum(text, P + "_recover_total", "status=\"CHECKSUM_MISMATCH\""));
            Promtool.assertClean(text);
            stream.close();
            assertTrue(stream.awaitTermination(Duration.ofSeconds(10)), "stream did not close");
        }
    }

    /** The scraped per-status counters sum to the dump's count and failures; the summary's sum to its total ms. */
    private static void assertOperation(String text, String dump, String family, String dumpPrefix) {
        Matcher m = Pattern.compile(" " + Pattern.quote(dumpPrefix) + ": ([0-9.]+) ms \\| count (\\d+) \\| failures (\\d+)").matcher(dump);
        assertTrue(m.find(), dumpPrefix + " not in the child's dump:\n" + dump);
        assertEquals(Long.parseLong(m.group(2)), (long) Exposition.sum(text, family + "_total", ""), family + " count");
        assertEquals(Long.parseLong(m.group(3)), (long) Exposition.sum(text, family + "_total", "outcome=\"failure\""), family + " failures");
        double totalMs = Exposition.sum(text, family + "_duration_seconds_sum", "") * 1e3;
        assertEquals(Double.parseDouble(m.group(1)), totalMs, 0.0015, family + " total ms");
    }

    private static long count(String dump, String prefix) {
        Matcher m = Pattern.compile(" " + Pattern.quote(prefix) + ": [0-9.]+ ms \\| count (\\d+)").matcher(dump);
        assertTrue(m.find(), prefix);
        return Long.parseLong(m.group(1));
    }

    private static double value(String dump, String prefix) {
        Matcher m = Pattern.compile(" " + Pattern.quote(prefix) + ": (-?\\d+)").matcher(dump);
        assertTrue(m.find(), prefix);
        return Double.parseDouble(m.group(1));
    }
}
