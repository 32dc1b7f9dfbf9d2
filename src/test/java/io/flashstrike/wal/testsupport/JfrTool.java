package io.flashstrike.wal.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the JDK's own {@code jfr} command-line tool (from the running JDK) on a recording. */
public final class JfrTool {
    private JfrTool() {
    }

    /** @return what {@code jfr args... file} printed; fails the test on a non-zero exit or after 60 s */
    public static String run(Path recording, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jfr").toString());
        cmd.addAll(List.of(args));
        cmd.add(recording.toString());
        Path log = Processes.tempFile("jfr-tool");
        try {
            Processes.Result r = Processes.run(cmd, null, log, Duration.ofSeconds(60));
            assertEquals(0, r.exit(), () -> "jfr " + String.join(" ", args) + " failed:\n" + r.output());
            return r.output();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
