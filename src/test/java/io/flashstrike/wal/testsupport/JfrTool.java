package io.flashstrike.wal.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the JDK's own {@code jfr} command-line tool (from the running JDK) on a recording. */
public final class JfrTool {
    private JfrTool() {
    }

    /** @return what {@code jfr args... file} printed; fails the test on a non-zero exit */
    public static String run(Path recording, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jfr").toString());
        cmd.addAll(List.of(args));
        cmd.add(recording.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jfr tool hung");
        assertTrue(p.exitValue() == 0, "jfr " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }
}
