package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs our CLI in a child JVM of the same JDK and class path, with the JVM flags a user would pass. */
public final class ChildJvm {
    private static final Pattern URL = Pattern.compile("metrics: http://127\\.0\\.0\\.1:(\\d+)/metrics");

    private ChildJvm() {
    }

    /** The child's exit code and everything it printed (stdout and stderr, merged). */
    public record Result(int exit, String output) {
    }

    /** A child {@code recover} serving /metrics on a free port, and that port. */
    public record Serving(Process process, int port) {
    }

    public static Process start(List<String> jvmFlags, Path log, String... args) throws IOException {
        return startMain(jvmFlags, "io.flashstrike.wal.cli.FlashstrikeWal", log, args);
    }

    /** Starts {@code mainClass} of the test class path; the caller destroys it ({@link Processes#destroy}) on failure. */
    public static Process startMain(List<String> jvmFlags, String mainClass, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs the child to its end, at most 90 s; a child still running then is killed and the test fails. */
    public static Result run(List<String> jvmFlags, Path log, String... args) throws Exception {
        Processes.Result r = Processes.await(start(jvmFlags, log, args), log, Duration.ofSeconds(90), "child JVM " + String.join(" ", args));
        return new Result(r.exit(), r.output());
    }

    /** Runs {@code mainClass} to its end, likewise bounded. */
    public static Result runMain(List<String> jvmFlags, Path log, String mainClass, String... args) throws Exception {
        Processes.Result r = Processes.await(startMain(jvmFlags, mainClass, log, args), log, Duration.ofSeconds(90),
                "child JVM " + mainClass);
        return new Result(r.exit(), r.output());
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
                Path p = io.flashstrike.wal.stream.Repositories.resolve(repo, pid);
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
            Matcher m = URL.matcher(awaitOutput(log, "metrics: http://", Duration.ofSeconds(60)));
            assertTrue(m.find(), Files.readString(log));
            return new Serving(p, Integer.parseInt(m.group(1)));
        } catch (RuntimeException | Error e) {
            Processes.destroy(p);
            throw e;
        }
    }

    /** Waits until {@code log} contains {@code text}; returns the log then. */
    public static String awaitOutput(Path log, String text, Duration timeout) throws Exception {
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
