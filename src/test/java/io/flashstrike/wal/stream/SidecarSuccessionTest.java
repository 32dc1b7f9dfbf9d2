package io.flashstrike.wal.stream;

import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Dumps;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.Processes;
import io.flashstrike.wal.testsupport.Promtool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream --repository} on a parent repository, as a service runs it: producers are
 * recoveries in child JVMs switched on with JFR flags only, the sidecar a child JVM of its own,
 * scraped over HTTP. It outlives its producers, follows the next one without a restart, says
 * {@code stream_closed 1} soon after a {@code kill -9}, starts cleanly beside directories of exited
 * JVMs, and, started after chunks it needed were gone, never says nothing is missing.
 */
class SidecarSuccessionTest {
    private static final String P = "flashstrike_wal";
    private static final String[] OPERATIONS = {"preload_segment", "finish_segment", "wait_for_segment", "read_segment", "recover"};
    /** Each operation's label in the CLI's dump frames, in the order of {@link #OPERATIONS}. */
    private static final String[] DUMP_LABELS = {"Preload segment", "Finish segment ", "Wait for segment", "Read segment    ",
            "Recover         "};

    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Processes::destroy); // a no-op for those that ended; a failed test leaves none running
    }

    @Test
    void followsOneProducerAfterAnotherWithoutARestartAndSaysClosedSoonAfterKill9() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Path sidecarLog = tmp.resolve("sidecar.log");
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString());
        String url = url(sidecarLog);
        ChildJvm.awaitOutput(sidecarLog, "no JVM to follow yet", Duration.ofSeconds(30));
        String waiting = Exposition.scrape(url);
        assertEquals(1.0, Exposition.sum(waiting, P + "_stream_closed", ""), "no JVM followed yet");
        Promtool.assertClean(waiting);

        Process first = producer(repo, wal("wal-2", 2), "first.log", 120);
        String text = awaitScrape(url, sidecarLog, t -> sum(t, "_recover_total") == 1 && sum(t, "_stream_closed") == 0);
        assertEquals(2.0, sum(text, "_preload_segment_total"), text);
        double firstStart = sum(text, "_stream_producer_start_time_seconds");
        assertTrue(firstStart > 0, text);

        first.destroyForcibly(); // SIGKILL: no final chunk, its directory left behind
        long killed = System.nanoTime();
        text = awaitScrape(url, sidecarLog, t -> sum(t, "_stream_closed") == 1);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(tookMillis <= 5_000, "stream_closed became 1 " + tookMillis + " ms after kill -9");
        assertEquals(2.0, sum(text, "_preload_segment_total"), "the last values stay readable:\n" + text);
        assertTrue(sidecar.isAlive(), "a producer ending is not the sidecar's end:\n" + Files.readString(sidecarLog));

        Process second = producer(repo, wal("wal-3", 3), "second.log", 3);
        // 3 preloads and 1 recovery, not 5 and 2: the counters restarted with the second producer.
        text = awaitScrape(url, sidecarLog, t -> sum(t, "_preload_segment_total") == 3 && sum(t, "_recover_total") == 1);
        assertNotEquals(firstStart, sum(text, "_stream_producer_start_time_seconds"), "a new producer, a new start time");
        Promtool.assertClean(text);
        Processes.Result s = Processes.await(second, tmp.resolve("second.log"), Duration.ofSeconds(60), "the second producer");
        assertEquals(0, s.exit(), s.output());
        text = awaitScrape(url, sidecarLog, t -> sum(t, "_stream_closed") == 1);
        assertEquals(3.0, sum(text, "_preload_segment_total"), "the second producer's final values stay:\n" + text);
        assertTrue(sidecar.isAlive(), "still the same sidecar:\n" + Files.readString(sidecarLog));
        String log = Files.readString(sidecarLog);
        assertTrue(log.contains("(pid " + first.pid() + ")") && log.contains("(pid " + second.pid() + ")"), log);
        assertTrue(log.contains("waiting for the next JVM to follow in " + repo), log);
    }

    @Test
    void aRestartedSidecarStartsBesideExitedJvmsAndWithOnceEndsWithItsProducer() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Path wal = wal("wal", 2);
        Process killed = producer(repo, wal, "killed.log", 120);
        Path left = ChildJvm.awaitRepository(repo, killed.pid());
        killed.destroyForcibly();
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.isDirectory(left), "kill -9 leaves the JVM's repository directory behind");

        Path sidecarLog = tmp.resolve("sidecar.log");
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString(), "--once");
        ChildJvm.awaitOutput(sidecarLog, "no JVM to follow yet in " + repo + ": waiting", Duration.ofSeconds(30));
        assertTrue(sidecar.isAlive(), "an exited JVM's directory is no reason to fail:\n" + Files.readString(sidecarLog));

        Process producer = producer(repo, wal, "producer.log", 4);
        Processes.Result p = Processes.await(producer, tmp.resolve("producer.log"), Duration.ofSeconds(60), "the producer");
        Processes.Result s = Processes.await(sidecar, sidecarLog, Duration.ofSeconds(60), "the sidecar");
        assertEquals(0, p.exit(), p.output());
        assertEquals(0, s.exit(), "--once: the producer ending ends the sidecar, cleanly:\n" + s.output());
        assertTrue(s.output().contains("following repository") && s.output().contains("(pid " + producer.pid() + ")"), s.output());
        assertTrue(!s.output().contains("(pid " + killed.pid() + ")"), "never the exited JVM:\n" + s.output());
        for (String op : List.of("Preload segment", "Read segment    ", "Recover         ")) {
            assertEquals(Dumps.lastCount(p.output(), op), Dumps.lastCount(s.output(), op), op + ":\n" + s.output());
        }
    }

    @Test
    void followsTheJvmItsPidFileNamesNotTheNewestAndRereadsItForTheNext() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Process named = producer(repo, wal("wal-2", 2), "named.log", 120);
        ChildJvm.awaitRepository(repo, named.pid());
        Process newest = producer(repo, wal("wal-3", 3), "newest.log", 120);
        ChildJvm.awaitRepository(repo, newest.pid());
        Path pidFile = Files.writeString(tmp.resolve("engine.pid"), named.pid() + "\n");

        Path sidecarLog = tmp.resolve("sidecar.log");
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString(), "--pid-file", pidFile.toString());
        String url = url(sidecarLog);
        String text = awaitScrape(url, sidecarLog, t -> sum(t, "_recover_total") == 1);
        assertEquals(2.0, sum(text, "_preload_segment_total"), "the JVM the file names, not the newest:\n" + text);
        assertTrue(Files.readString(sidecarLog).contains("(pid " + named.pid() + ")"), Files.readString(sidecarLog));

        Files.writeString(pidFile, newest.pid() + "\n"); // as a service manager does when it restarts the engine
        named.destroyForcibly();
        text = awaitScrape(url, sidecarLog, t -> sum(t, "_preload_segment_total") == 3 && sum(t, "_stream_closed") == 0);
        assertTrue(Files.readString(sidecarLog).contains("(pid " + newest.pid() + ")"), Files.readString(sidecarLog));
        assertTrue(sidecar.isAlive());
    }

    /**
     * Issue 24, item 2: a sidecar started after the recovery, whose chunks are gone from the
     * repository, folds none of it; every operation of the recovery is missing, from the first
     * scrape that has a missing series at all, and folded plus missing is the producer's own count.
     */
    @Test
    void aSidecarStartedAfterTheRecoveryWhoseChunksAreGoneNeverSaysNothingIsMissing() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Path producerLog = tmp.resolve("producer.log");
        Process producer = producer(repo, wal("wal", 2), "producer.log", 120);
        Path perProcess = ChildJvm.awaitRepository(repo, producer.pid());
        String done = ChildJvm.awaitOutput(producerLog, "(--linger)", Duration.ofSeconds(60));
        // A new chunk (starting a recording rotates), then the ones that hold the recovery's events go.
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Processes.Result rotate = Processes.run(List.of(jcmd.toString(), String.valueOf(producer.pid()), "JFR.start", "name=rotate"),
                null, tmp.resolve("jcmd.log"), Duration.ofSeconds(60));
        assertEquals(0, rotate.exit(), rotate.output());
        List<Path> chunks;
        try (var files = Files.list(perProcess)) {
            chunks = files.filter(f -> f.getFileName().toString().endsWith(".jfr")).sorted().toList();
        }
        assertTrue(chunks.size() >= 2, "rotated: " + chunks);
        for (Path old : chunks.subList(0, chunks.size() - 1)) {
            Files.delete(old);
        }

        Path sidecarLog = tmp.resolve("sidecar.log");
        sidecar(sidecarLog, "--repository", repo.toString());
        String url = url(sidecarLog);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String text = "";
        boolean settled = false;
        while (!settled && System.nanoTime() < deadline) {
            text = Exposition.scrape(url);
            for (String op : OPERATIONS) {
                Double missing = Exposition.samples(text).get(missingSeries(op));
                assertTrue(missing == null || missing > 0 || missing.isNaN(), op + ": never 0 while it missed the recovery:\n" + text);
            }
            settled = Exposition.samples(text).containsKey(missingSeries("recover"));
            Thread.sleep(settled ? 0 : 100);
        }
        assertTrue(settled, "no missing series within 30 s:\n" + text + Files.readString(sidecarLog));
        Map<String, Double> samples = Exposition.samples(text);
        assertEquals(0.0, sum(text, "_stream_events_total"), "none of the recovery's events was left to fold:\n" + text);
        for (int i = 0; i < OPERATIONS.length; i++) {
            String op = OPERATIONS[i];
            double missing = samples.get(missingSeries(op));
            if (!Double.isNaN(missing)) {
                assertEquals(Dumps.lastCount(done, DUMP_LABELS[i]), sum(text, "_" + op + "_total") + missing,
                        op + ": folded + missing = the producer's own count:\n" + text);
            }
        }
        assertEquals(1.0, samples.get(missingSeries("recover")), text);
    }

    private static String missingSeries(String op) {
        return P + "_stream_missing_events{operation=\"" + op + "\",subsystem=\"wal_event_stream\"}"; // as rendered: labels sorted
    }

    private static double sum(String text, String family) {
        return Exposition.sum(text, P + family, "");
    }

    /** Scrapes until {@code ok} holds (30 s at most); fails with the last scrape and the sidecar's output. */
    private static String awaitScrape(String url, Path sidecarLog, java.util.function.Predicate<String> ok) throws Exception {
        return Exposition.awaitScrape(url, Duration.ofSeconds(30), sidecarLog, ok);
    }

    private static String url(Path sidecarLog) throws Exception {
        Matcher m = Pattern.compile("metrics: (http://\\S+)").matcher(ChildJvm.awaitOutput(sidecarLog, "metrics: http://",
                Duration.ofSeconds(60)));
        assertTrue(m.find());
        return m.group(1);
    }

    private Path wal(String name, int segments) throws Exception {
        Path dir = tmp.resolve(name);
        WalGenerator.into(dir).segments(segments).segmentSize(64 << 10).payloadSize(100).generate();
        return dir;
    }

    /** A recovery switched on by JVM flags only; it lingers, so it is alive while a sidecar finds it. */
    private Process producer(Path repo, Path wal, String log, int lingerSeconds) throws Exception {
        Process p = ChildJvm.start(List.of("-XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc",
                        "-XX:FlightRecorderOptions=repository=" + repo), tmp.resolve(log),
                "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "0",
                "--linger", String.valueOf(lingerSeconds));
        children.add(p);
        return p;
    }

    private Process sidecar(Path log, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("stream", "--metrics-port", "0", "--dump-interval", "0"));
        all.addAll(List.of(args));
        Process p = ChildJvm.start(List.of(), log, all.toArray(String[]::new));
        children.add(p);
        return p;
    }
}
