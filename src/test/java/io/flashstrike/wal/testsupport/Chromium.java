package io.flashstrike.wal.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's {@code chromium}, headless, on a local file. CI installs it (.ci/run) and must run these
 * tests: under {@code CI=true} a missing chromium fails the test instead of skipping it. Each run
 * gets a new empty profile and the flags that keep it off the network (here it would stall on the
 * closed network otherwise); it is killed if it has not finished within a minute.
 */
public final class Chromium {
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--enable-logging=stderr", "--v=0");

    private Chromium() {
    }

    /** What one run printed: stdout (the DOM, for --dump-dom) and stderr (Chromium's log, console messages included). */
    public record Run(String stdout, String log) {
        /** Console messages of the page (the {@code INFO:CONSOLE:LINE] "..."} lines of Chromium's log). */
        public List<String> consoleMessages() {
            return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }
    }

    /** @return the chromium executable, or skips the test when absent outside CI */
    public static Path require() {
        return Installed.require("chromium", "chromium");
    }

    /** Runs chromium on {@code page} with {@code args} (e.g. --dump-dom, --screenshot=FILE) in {@code work}. */
    public static Run run(Path work, Path page, String... args) throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path out = Files.createTempFile(work, "chromium", ".out");
        Path err = Files.createTempFile(work, "chromium", ".err");
        List<String> cmd = new ArrayList<>(List.of(require().toString()));
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Process p = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            assertTrue(done, "chromium did not finish within 60 s:\n" + Files.readString(err));
            return new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
