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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.flashstrike.wal.cli.FlashstrikeWal");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static Result run(List<String> jvmFlags, Path log, String... args) throws Exception {
        Process p = start(jvmFlags, log, args);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "child JVM did not finish: " + Files.readString(log));
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
