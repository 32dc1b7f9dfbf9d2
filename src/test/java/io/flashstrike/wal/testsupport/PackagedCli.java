package io.flashstrike.wal.testsupport;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI as a user runs it: the distribution's {@code bin/flashstrike-wal} (the archive
 * {@code mvn package} makes, unpacked once per test JVM) and {@code tools/flashstrike-wal}, in
 * child processes of the running JDK ({@code JAVA_HOME}); JVM flags go in {@code JAVA_OPTS}, as a
 * user passes them. Needs the packaged artifacts: {@code mvn verify} runs the {@code *IT} classes
 * after {@code package}.
 */
public final class PackagedCli {
    /** The project directory (surefire's working directory). */
    public static final Path ROOT = Path.of("").toAbsolutePath();
    /** The distribution, target/flashstrike-wal-VERSION.tar.gz. */
    public static final Path ARCHIVE = ROOT.resolve("target/flashstrike-wal-" + BuildInfo.VERSION + ".tar.gz");
    /** The shaded agent jar. */
    public static final Path AGENT_JAR = ROOT.resolve("target/flashstrike-wal-agent.jar");
    /** The library jar (the main artifact). */
    public static final Path LIBRARY_JAR = ROOT.resolve("target/flashstrike-wal-telemetry.jar");
    public static final Path SCRIPT = ROOT.resolve("tools/flashstrike-wal");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final AtomicInteger LOGS = new AtomicInteger();
    private static Path home;

    private PackagedCli() {
    }

    /** Fails (not skips) without the artifacts: a missing one means the build is wrong, not the machine. */
    public static void requireJar() {
        for (Path p : List.of(ARCHIVE, AGENT_JAR, LIBRARY_JAR)) {
            assertTrue(Files.isRegularFile(p), p + " is missing: run `mvn package` first (`mvn verify` runs the *IT classes after package)");
        }
    }

    /**
     * The distribution unpacked by {@code tar} into a fresh directory under target/ (once per JVM,
     * deleted when it exits): {@code flashstrike-wal-VERSION/}.
     */
    public static synchronized Path home() throws IOException, InterruptedException {
        if (home == null) {
            requireJar();
            Path dir = Files.createTempDirectory(ROOT.resolve("target"), "it-dist-");
            Path log = dir.resolve("tar.log");
            Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Processes.Result r = Processes.await(tar, log, LIMIT, "tar -xzf " + ARCHIVE);
            assertTrue(r.exit() == 0, "cannot unpack " + ARCHIVE + ": " + r.output());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            home = dir.resolve("flashstrike-wal-" + BuildInfo.VERSION);
        }
        return home;
    }

    /** The unpacked distribution's launcher. */
    public static Path launcher() throws IOException, InterruptedException {
        return home().resolve("bin/flashstrike-wal");
    }

    /** {@code JAVA_OPTS="jvmFlags" bin/flashstrike-wal args}, to its end. */
    public static Processes.Result run(Path tmp, List<String> jvmFlags, String... args) throws IOException, InterruptedException {
        Path log = log(tmp);
        return Processes.await(start(jvmFlags, log, args), log, LIMIT, "bin/flashstrike-wal " + String.join(" ", args));
    }

    public static Processes.Result run(Path tmp, String... args) throws IOException, InterruptedException {
        return run(tmp, List.of(), args);
    }

    /**
     * Starts {@code JAVA_OPTS="jvmFlags" bin/flashstrike-wal args} with its output in {@code log}; the
     * caller destroys it. The launcher execs java, so the process is the JVM (its pid is the JVM's).
     */
    public static Process start(List<String> jvmFlags, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        try {
            cmd.add(launcher().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", String.join(" ", jvmFlags));
        return pb.start();
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort at JVM exit; target/ is the build's own
        }
    }

    /** {@code tools/flashstrike-wal args} through bash, with this JDK first on PATH (the script runs `java`). */
    public static Processes.Result script(Path tmp, String javaOpts, String... args) throws IOException, InterruptedException {
        requireJar();
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        return bash(tmp, cmd, javaOpts == null ? "" : javaOpts);
    }

    /** Runs {@code cmd} in the project directory with this JDK first on PATH and {@code JAVA_OPTS} set. */
    public static Processes.Result bash(Path tmp, List<String> cmd, String javaOpts) throws IOException, InterruptedException {
        return bashIn(ROOT, tmp, cmd, javaOpts);
    }

    /** Runs {@code cmd} to its end in {@code dir}, with this JDK first on PATH and {@code JAVA_OPTS} set. */
    public static Processes.Result bashIn(Path dir, Path tmp, List<String> cmd, String javaOpts) throws IOException, InterruptedException {
        Path log = log(tmp);
        ProcessBuilder pb = builder(dir, cmd, log);
        pb.environment().put("JAVA_OPTS", javaOpts);
        return Processes.await(pb.start(), log, LIMIT, String.join(" ", cmd));
    }

    /** Starts {@code cmd} in {@code dir} with this JDK first on PATH and no {@code JAVA_OPTS}; the caller destroys it. */
    public static Process startIn(Path dir, List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = builder(dir, cmd, log);
        pb.environment().remove("JAVA_OPTS");
        return pb.start();
    }

    private static ProcessBuilder builder(Path dir, List<String> cmd, Path log) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PATH", java().getParent() + java.io.File.pathSeparator + System.getenv("PATH"));
        return pb;
    }

    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path log(Path tmp) {
        return tmp.resolve("child-" + LOGS.incrementAndGet() + ".log");
    }
}
