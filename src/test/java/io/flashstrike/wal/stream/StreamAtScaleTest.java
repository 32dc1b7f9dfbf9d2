package io.flashstrike.wal.stream;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.MetricSamples;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import jdk.jfr.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale is a test: 10,000 small segments (40,001 events) through the in-process stream and
 * through the sidecar ({@code stream --repository}, the real CLI in a child JVM), every family
 * of the mirror equal to the recovery's own, {@code last_valid_lsn} the recovery's, no loss.
 * The sidecar runs in 64 MiB of heap; its RSS and its heap after each GC are printed while
 * events grow (measured, not asserted).
 */
class StreamAtScaleTest {
    private static final String P = WalRecoveryMetrics.DEFAULT_PREFIX;
    private static final int SEGMENTS = 10_000;

    @Test
    void inProcessStreamMatchesEveryFamily(@TempDir Path tmp) throws Exception {
        Path wal = generate(tmp);
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        RecoveryResult r;
        try (WalEventStream stream = WalEventStream.inProcess(Configuration.create(Path.of("jfc", "flashstrike-wal.jfc")), mirror)) {
            stream.start();
            r = new RecoveryManager(metrics).recover(wal, (lsn, type, payload) -> { });
            assertTrue(stream.awaitSettled(metrics, Duration.ofSeconds(30)), "stream behind: " + stream.eventsSeen());
            assertEquals(4L * SEGMENTS + 1, stream.eventsSeen());
            assertEquals(List.of(), MetricSamples.differences(MetricSamples.of(c -> metrics.collect(P, c)), "in-memory",
                    MetricSamples.of(c -> mirror.collect(P, c)), "stream"));
            assertEquals(0, stream.lostBytes());
            assertEquals(0, stream.missingEvents("preload_segment"));
            assertEquals(0, stream.missingEvents("finish_segment"));
        }
        assertTrue(r.status().isOk(), r.toString());
        assertEquals(r.lastValidLsn(), mirror.manager().lastValidLsn());
    }

    @Test
    void sidecarMatchesEveryFamilyWithFlatMemory(@TempDir Path tmp) throws Exception {
        Path wal = generate(tmp);
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Path producerLog = tmp.resolve("producer.log");
        Path sidecarLog = tmp.resolve("sidecar.log");
        Path gcLog = tmp.resolve("sidecar-gc.log");
        Process producer = ChildJvm.start(List.of("-XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc",
                        "-XX:FlightRecorderOptions:repository=" + repo),
                producerLog, "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "0",
                "--linger", "60");
        Process sidecar = null;
        try {
            Path perProcess = ChildJvm.awaitRepository(repo, producer.pid());
            sidecar = ChildJvm.start(List.of("-Xmx64m", "-Xlog:gc:file=" + gcLog),
                    sidecarLog, "stream", "--repository", perProcess.toString(), "--metrics-port", "0", "--dump-interval", "0",
                    "--linger", "60");
            String producerUrl = awaitLine(producerLog, Pattern.compile("metrics: (\\S+)"));
            String sidecarUrl = awaitLine(sidecarLog, Pattern.compile("metrics: (\\S+)"));
            List<String> rss = new ArrayList<>();
            long lsn = Long.parseLong(awaitLine(producerLog, Pattern.compile("last valid LSN  : (\\d+)"), () ->
                    rss.add(sample(sidecarUrl, sidecarLog))));
            Map<String, Double> truth = Exposition.samples(Exposition.scrape(producerUrl));
            Map<String, Double> followed = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String text = Exposition.scrape(sidecarUrl);
                rss.add(sample(text, sidecarLog));
                followed = mirrorOnly(Exposition.samples(text));
                if (followed.equals(truth) && Exposition.sum(text, P + "_stream_missing_events", "") == 0) {
                    break;
                }
                Thread.sleep(250);
            }
            System.out.println("StreamAtScaleTest sidecar on " + Runtime.version() + ", " + SEGMENTS + " segments: "
                    + "events folded / sidecar VmRSS: " + rss + "; heap after GC (MiB): " + heapAfterGc(gcLog));
            assertEquals(truth, followed, "the sidecar's /metrics against the producer's own");
            assertEquals(lsn, truth.get(P + "_last_valid_lsn{subsystem=\"wal_recovery_manager\"}").longValue());
            String text = Exposition.scrape(sidecarUrl);
            assertEquals(4.0 * SEGMENTS + 1, Exposition.sum(text, P + "_stream_events_total", ""));
            assertEquals(0, Exposition.sum(text, P + "_stream_lost_bytes_total", ""));
            assertEquals(0, Exposition.sum(text, P + "_stream_missing_events", ""));
        } finally {
            producer.destroyForcibly();
            if (sidecar != null) {
                sidecar.destroyForcibly();
            }
        }
    }

    private static Path generate(Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(SEGMENTS).segmentSize(4 << 10).payloadSize(64).generate();
        return wal;
    }

    /** The mirror's families: everything but the stream's own health. */
    private static Map<String, Double> mirrorOnly(Map<String, Double> samples) {
        Map<String, Double> m = new TreeMap<>(samples);
        m.keySet().removeIf(k -> k.startsWith(P + "_stream_"));
        return m;
    }

    /** "events@rssKiB", from a scrape's text (or a URL to scrape) and the sidecar's /proc status. */
    private static String sample(String textOrUrl, Path sidecarLog) {
        try {
            String text = textOrUrl.startsWith("http") ? Exposition.scrape(textOrUrl) : textOrUrl;
            long events = (long) Exposition.sum(text, P + "_stream_events_total", "");
            return events + "@" + rssKib(sidecarLog) + "KiB";
        } catch (Exception e) {
            return "?";
        }
    }

    private static String rssKib(Path sidecarLog) throws Exception {
        for (ProcessHandle p : ProcessHandle.current().children().toList()) {
            if (p.info().arguments().map(a -> String.join(" ", a).contains(" stream --repository")).orElse(false)) {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return line.replaceAll("\\D", "");
                    }
                }
            }
        }
        return "?";
    }

    /** @return the heap occupancy after each GC, from -Xlog:gc lines "... 20M->5M(64M) ..." */
    private static List<Integer> heapAfterGc(Path gcLog) throws Exception {
        List<Integer> after = new ArrayList<>();
        if (Files.exists(gcLog)) {
            Matcher m = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)").matcher(Files.readString(gcLog));
            while (m.find()) {
                after.add(Integer.parseInt(m.group(1)));
            }
        }
        return after;
    }

    private static String awaitLine(Path log, Pattern p) throws Exception {
        return awaitLine(log, p, () -> { });
    }

    /** Polls {@code log} (60 s at most) for {@code p}; runs {@code meanwhile} between polls. */
    private static String awaitLine(Path log, Pattern p, Runnable meanwhile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1);
            }
            meanwhile.run();
            Thread.sleep(100);
        }
        throw new AssertionError(p + " never appeared in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
