package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes that cannot hang the build. Output goes to a file, never through a pipe the test
 * reads before waiting (a child that neither exits nor closes its output would block that read past
 * every timeout); waits are bounded; a child still running at the limit, or when the test fails, is
 * killed with its descendants.
 */
public final class Processes {
    private Processes() {
    }

    /** The child's exit code and everything it printed (stdout and stderr, merged). */
    public record Result(int exit, String output) {
    }

    /**
     * Runs {@code cmd} to completion within {@code limit}, stdin from {@code stdin} (or nothing),
     * output merged into {@code log}. On timeout the process tree is killed and the test fails
     * with what it had printed.
     */
    public static Result run(List<String> cmd, Path stdin, Path log, Duration limit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(nullDevice()) : ProcessBuilder.Redirect.from(stdin.toFile()));
        return await(pb.start(), log, limit, String.join(" ", cmd));
    }

    /**
     * Runs {@code cmd} to completion within {@code limit} in {@code dir}, with no input, its
     * environment first given to {@code environment} to change, output merged into {@code log}.
     */
    public static Result run(List<String> cmd, Path dir, java.util.function.Consumer<java.util.Map<String, String>> environment,
                             Path log, Duration limit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        environment.accept(pb.environment());
        return await(pb.start(), log, limit, String.join(" ", cmd));
    }

    /** Waits at most {@code limit} for {@code p}; kills it (and its children) and fails if it is still running. */
    public static Result await(Process p, Path log, Duration limit, String what) throws IOException, InterruptedException {
        boolean ended;
        try {
            ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (p.isAlive()) {
                destroy(p);
            }
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!ended) {
            throw new AssertionError(what + " did not finish within " + limit + "; killed. Output:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** Kills {@code p} and its descendants at once, then waits a bounded time for them to go. */
    public static void destroy(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A temporary file for a child's input or output, deleted by the caller. */
    public static Path tempFile(String prefix) throws IOException {
        return Files.createTempFile(prefix, ".txt");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
