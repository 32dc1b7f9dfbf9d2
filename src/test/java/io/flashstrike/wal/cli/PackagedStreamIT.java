package io.flashstrike.wal.cli;

import io.flashstrike.wal.stream.Repositories;
import io.flashstrike.wal.testsupport.Dumps;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream --repository} through the packaged jar: producers are recoveries in JVMs switched
 * on with JFR flags only, the sidecar a separate {@code java -jar} that must end by itself when its
 * producer exits or its repository disappears, with the producer's own final figures.
 */
class PackagedStreamIT {
    private static final String[] OPERATIONS = {"Preload segment", "Finish segment ", "Wait for segment", "Read segment    ",
            "Recover         "};

    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void jar() {
        PackagedCli.requireJar();
    }

    @org.junit.jupiter.api.AfterEach
    void killChildren() {
        children.forEach(Processes::destroy); // a no-op for those that ended; a failed test leaves none running
    }

    @Test
    void neitherOrBothSourcesAreUsageErrorsAndAMissingRepositoryAFailure() throws Exception {
        Processes.Result neither = PackagedCli.run(tmp, "stream");
        assertEquals(2, neither.exit(), neither.output());
        assertTrue(neither.output().startsWith("flashstrike-wal stream: Missing required argument (specify one of these): (--repository=DIR | --jmx=HOST:PORT)"),
                neither.output());
        Processes.Result both = PackagedCli.run(tmp, "stream", "--repository", tmp.toString(), "--jmx", "127.0.0.1:9010");
        assertEquals(2, both.exit(), both.output());
        assertTrue(both.output().startsWith("flashstrike-wal stream: --repository=DIR, --jmx=HOST:PORT are mutually exclusive"),
                both.output());
        assertEquals(2, both.output().strip().lines().count(), "the error and where the help is: " + both.output());
        Processes.Result missing = PackagedCli.run(tmp, "stream", "--repository", tmp.resolve("nope").toString(), "--metrics-port", "-1");
        assertEquals(1, missing.exit(), missing.output());
        assertEquals(1, missing.output().strip().lines().count(), missing.output());
        assertTrue(missing.output().contains("no such JFR repository directory"), missing.output());
    }

    @Test
    void followsThePidItIsGivenUntilThatProducerExits() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        // Two producers in one repository; --pid picks the older, so "the newest live one" cannot pass for it.
        // Lingering 10 s leaves the sidecar (a JVM start away) ample time to find it alive on a loaded machine.
        Process wanted = producer(repo, generate("wal-3", 3), "wanted.log", 10);
        Path wantedRepo = awaitRepository(repo, wanted.pid());
        Process other = producer(repo, generate("wal-2", 2), "other.log", 10);
        awaitRepository(repo, other.pid());
        Path sidecarLog = tmp.resolve("sidecar.log");
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString(), "--pid", String.valueOf(wanted.pid()), "--dump-interval", "0");
        Processes.Result s = Processes.await(sidecar, sidecarLog, Duration.ofSeconds(60), "the sidecar");
        Processes.Result w = Processes.await(wanted, tmp.resolve("wanted.log"), Duration.ofSeconds(60), "the producer");
        assertEquals(0, w.exit(), w.output());
        assertEquals(0, s.exit(), s.output());
        // The wanted producer's directory: the first one found, or the newer one JDK 17 sometimes
        // replaces it with a second after start (seen once in CI), never the other producer's.
        Matcher followed = Pattern.compile("following repository (\\S+) \\(pid " + wanted.pid() + "\\)").matcher(s.output());
        assertTrue(followed.find(), s.output());
        Path followedRepo = Path.of(followed.group(1));
        assertEquals(wantedRepo.getParent(), followedRepo.getParent(), s.output());
        assertEquals(wanted.pid(), Repositories.pidOf(followedRepo), s.output());
        // The JVM deletes its repository as it exits, so the sidecar may see either first.
        assertTrue(s.output().contains("the followed JVM (pid " + wanted.pid() + ") exited; final values:")
                || s.output().contains("the repository " + followedRepo + " was deleted"), s.output());
        assertEquals(3, Dumps.lastCount(w.output(), "Preload segment"));
        for (String op : OPERATIONS) {
            assertEquals(Dumps.lastCount(w.output(), op), Dumps.lastCount(s.output(), op), op + ":\n" + s.output());
        }
    }

    @Test
    void stopsWhenTheRepositoryIsDeleted() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Process producer = producer(repo, generate("wal", 2), "producer.log", 60);
        awaitRepository(repo, producer.pid());
        Path sidecarLog = tmp.resolve("sidecar.log");
        // --once: on a parent repository the sidecar would otherwise go on to the JVM's next directory.
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString(), "--once", "--dump-interval", "0.5");
        // Once the sidecar has folded the whole recovery, the repository goes while its JVM still runs:
        // the one the sidecar says it follows (JDK 17 was seen to replace a fresh JVM's directory with
        // a newer one, so the first found is not always the one in use), and any other of that pid.
        awaitLog(sidecarLog, Pattern.compile(" Recover         : [0-9.]+ ms \\| count 1 "), sidecar);
        Matcher followed = Pattern.compile("following repository (\\S+) \\(pid").matcher(Files.readString(sidecarLog));
        assertTrue(followed.find(), Files.readString(sidecarLog));
        Path perProcess = Path.of(followed.group(1));
        try (var dirs = Files.list(repo)) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().endsWith("_" + producer.pid())).toList()) {
                deleteTree(d);
            }
        }
        Processes.Result s = Processes.await(sidecar, sidecarLog, Duration.ofSeconds(30), "the sidecar");
        assertEquals(0, s.exit(), s.output());
        // JFR may make a new directory for its next chunk at once; then the line also says where.
        assertTrue(s.output().contains("the repository " + perProcess + " was deleted"), s.output());
        assertTrue(producer.isAlive(), "the producer was still running: the deletion, not its exit, ended the sidecar");
        assertEquals(2, Dumps.lastCount(s.output(), "Preload segment"), s.output());
    }

    @Test
    void aProducerKilledWithSigkillIsClosedWithinFiveSecondsAndItsValuesStayReadable() throws Exception {
        Path repo = Files.createDirectory(tmp.resolve("repo"));
        Process producer = producer(repo, generate("wal", 2), "producer.log", 120);
        awaitRepository(repo, producer.pid());
        Path sidecarLog = tmp.resolve("sidecar.log");
        Process sidecar = sidecar(sidecarLog, "--repository", repo.toString(), "--pid", String.valueOf(producer.pid()),
                "--dump-interval", "0.5", "--linger", "60");
        awaitLog(sidecarLog, Pattern.compile(" Recover         : [0-9.]+ ms \\| count 1 "), sidecar);
        Matcher url = Pattern.compile("metrics: (http://\\S+)").matcher(Files.readString(sidecarLog));
        assertTrue(url.find(), Files.readString(sidecarLog));
        String metrics = url.group(1);
        assertEquals(0.0, Exposition.sum(Exposition.scrape(metrics), "flashstrike_wal_stream_closed", ""), "following a live producer");

        producer.destroyForcibly(); // SIGKILL: no shutdown hook, no final chunk, the repository left behind
        long killed = System.nanoTime();
        double closed = 0;
        String text = "";
        while (closed != 1.0 && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(100);
            text = Exposition.scrape(metrics);
            closed = Exposition.sum(text, "flashstrike_wal_stream_closed", "");
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertEquals(1.0, closed, "stream_closed after kill -9:\n" + Files.readString(sidecarLog));
        assertTrue(tookMillis <= 5_000, "stream_closed became 1 " + tookMillis + " ms after kill -9");
        assertEquals(2.0, Exposition.sum(text, "flashstrike_wal_preload_segment_total", ""), "the last values stay readable:\n" + text);
        assertEquals(1.0, Exposition.sum(text, "flashstrike_wal_recover_total", ""), text);
        assertTrue(sidecar.isAlive(), "the sidecar lingers with the final values");
        System.out.println("stream_closed = 1 " + tookMillis + " ms after kill -9 of the producer");
    }

    /** Deletes {@code dir} and everything in it; files JFR removes meanwhile are not an error. */
    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException gone) {
            // JFR replaced or removed it under the walk
        }
    }

    private Path generate(String name, int segments) throws Exception {
        Path wal = tmp.resolve(name);
        Processes.Result g = PackagedCli.run(tmp, "generate", "--dir", wal.toString(), "--segments", String.valueOf(segments),
                "--segment-size", "128KiB");
        assertEquals(0, g.exit(), g.output());
        return wal;
    }

    /** A recovery switched on by JVM flags only; it lingers, so a sidecar started after it finds it alive. */
    private Process producer(Path repo, Path wal, String log, int lingerSeconds) throws IOException {
        Process p = PackagedCli.start(List.of("-XX:StartFlightRecording:settings=" + PackagedCli.ROOT.resolve("jfc/flashstrike-wal.jfc"),
                        "-XX:FlightRecorderOptions:repository=" + repo), tmp.resolve(log),
                "recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "0",
                "--linger", String.valueOf(lingerSeconds));
        children.add(p);
        return p;
    }

    private Process sidecar(Path log, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("stream", "--metrics-port", "0"));
        all.addAll(List.of(args));
        Process p = PackagedCli.start(List.of(), log, all.toArray(String[]::new));
        children.add(p);
        return p;
    }

    private static Path awaitRepository(Path repo, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Path p = Repositories.resolve(repo, pid);
                if (!p.equals(repo)) {
                    return p;
                }
            } catch (IOException notYet) {
                // JFR creates the per-process directory while the JVM starts
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no repository for pid " + pid + " in " + repo);
    }

    private static void awaitLog(Path log, Pattern p, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (p.matcher(Files.readString(log)).find()) {
                return;
            }
            assertTrue(process.isAlive(), "ended before " + p + ":\n" + Files.readString(log));
            Thread.sleep(50);
        }
        throw new AssertionError(p + " not within 30 s in:\n" + Files.readString(log));
    }
}
