package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI as a user runs it: {@code java -jar target/flashstrike-wal-telemetry.jar} and
 * {@code tools/flashstrike-wal}, in child processes of the running JDK. Needs the packaged jar:
 * {@code mvn verify} runs the {@code *IT} classes after {@code package}.
 */
public final class PackagedCli {
    /** The project directory (surefire's working directory). */
    public static final Path ROOT = Path.of("").toAbsolutePath();
    public static final Path JAR = ROOT.resolve("target/flashstrike-wal-telemetry.jar");
    public static final Path SCRIPT = ROOT.resolve("tools/flashstrike-wal");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final AtomicInteger LOGS = new AtomicInteger();

    private PackagedCli() {
    }

    /** Fails (not skips) without the jar: a missing jar means the build is wrong, not the machine. */
    public static void requireJar() {
        assertTrue(Files.isRegularFile(JAR) && Files.isDirectory(ROOT.resolve("target/lib")),
                JAR + " is missing: run `mvn package` first (`mvn verify` runs the *IT classes after package)");
    }

    /** {@code java [jvmFlags] -jar target/...jar args}, to its end. */
    public static Processes.Result jar(Path tmp, List<String> jvmFlags, String... args) throws IOException, InterruptedException {
        Path log = log(tmp);
        return Processes.await(start(jvmFlags, log, args), log, LIMIT, "java -jar " + String.join(" ", args));
    }

    public static Processes.Result jar(Path tmp, String... args) throws IOException, InterruptedException {
        return jar(tmp, List.of(), args);
    }

    /** Starts {@code java [jvmFlags] -jar target/...jar args} with its output in {@code log}; the caller destroys it. */
    public static Process start(List<String> jvmFlags, Path log, String... args) throws IOException {
        requireJar();
        List<String> cmd = new ArrayList<>();
        cmd.add(java().toString());
        cmd.addAll(jvmFlags);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
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
