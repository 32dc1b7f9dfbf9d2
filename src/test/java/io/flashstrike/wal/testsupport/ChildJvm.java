package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs our CLI in a child JVM of the same JDK and class path, with the JVM flags a user would pass. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The child's exit code and everything it printed (stdout and stderr, merged). */
    public record Result(int exit, String output) {
    }

    public static Process start(List<String> jvmFlags, Path log, String... args) throws IOException {
        return startMain(jvmFlags, log, "io.flashstrike.wal.cli.FlashstrikeWal", args);
    }

    /** Starts {@code mainClass} (ours or a test's: the test class path is the child's) with {@code args}. */
    public static Process startMain(List<String> jvmFlags, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static Result run(List<String> jvmFlags, Path log, String... args) throws Exception {
        return await(start(jvmFlags, log, args), log);
    }

    /** Runs {@code mainClass} to its end (90 s at most; destroyed otherwise). */
    public static Result runMain(List<String> jvmFlags, Path log, String mainClass, String... args) throws Exception {
        return await(startMain(jvmFlags, log, mainClass, args), log);
    }

    /**
     * @return the per-process JFR repository of child {@code pid} under {@code repo}, once it holds a
     * chunk (30 s at most). Not before: at startup JFR creates a directory to probe that it can,
     * and deletes it; under load a poll can find that one, which is gone a moment later.
     */
    public static Path awaitRepository(Path repo, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Path p = io.flashstrike.wal.recovery.telemetry.stream.Repositories.resolve(repo, pid);
                try (var files = Files.list(p)) {
                    if (files.anyMatch(f -> f.getFileName().toString().endsWith(".jfr"))) {
                        return p;
                    }
                }
            } catch (IOException notYet) {
                // none yet, or the probe directory vanished under the listing
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no repository for pid " + pid + " in " + repo);
    }

    private static Result await(Process p, Path log) throws Exception {
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "child JVM did not finish: " + Files.readString(log));
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    /** A child {@code recover} serving /metrics on a free port, and that port. */
    public record Serving(Process process, int port) {
    }

    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("metrics: http://127\\.0\\.0\\.1:(\\d+)/metrics");

    /**
     * Starts {@code recover ARGS --metrics-port 0 --linger 120} in a child JVM and waits (bounded)
     * for it to print its /metrics URL. The caller destroys the process.
     */
    public static Serving startServingRecovery(Path log, String... recoverArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("recover"));
        args.addAll(List.of(recoverArgs));
        args.addAll(List.of("--metrics-port", "0", "--linger", "120"));
        Process p = start(List.of(), log, args.toArray(String[]::new));
        try {
            java.util.regex.Matcher m = URL.matcher(awaitOutput(log, "metrics: http://", java.time.Duration.ofSeconds(60)));
            assertTrue(m.find(), Files.readString(log));
            return new Serving(p, Integer.parseInt(m.group(1)));
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Waits until {@code log} contains {@code text}; returns the log then. */
    public static String awaitOutput(Path log, String text, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s = Files.exists(log) ? Files.readString(log) : "";
            if (s.contains(text)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' not printed within " + timeout + ":\n" + Files.readString(log));
    }
}
