package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs our CLI in a child JVM of the same JDK and class path, with the JVM flags a user would pass. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The child's exit code and everything it printed (stdout and stderr, merged). */
    public record Result(int exit, String output) {
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
}
