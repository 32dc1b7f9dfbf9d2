package io.flashstrike.wal.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs Prometheus' own linter, {@code promtool check metrics}, on an exposition. CI installs
 * promtool (Debian package {@code prometheus}) and must run these checks: under {@code CI=true}
 * a missing promtool fails the test instead of skipping it.
 */
public final class Promtool {
    private Promtool() {
    }

    /** @return the promtool executable, or skips the test when absent outside CI */
    public static Path require() {
        return Installed.require("promtool", "prometheus");
    }

    /** Asserts that {@code promtool check metrics} accepts {@code text} with no lint finding (within 30 s). */
    public static void assertClean(String text) throws Exception {
        Path in = Processes.tempFile("promtool-in");
        Path log = Processes.tempFile("promtool-out");
        try {
            Files.writeString(in, text, StandardCharsets.UTF_8);
            Processes.Result r = Processes.run(List.of(require().toString(), "check", "metrics"), in, log, Duration.ofSeconds(30));
            assertEquals(0, r.exit(), () -> "promtool check metrics:\n" + r.output() + "\non:\n" + text);
            assertEquals("", r.output().trim(), () -> "promtool lint findings:\n" + r.output());
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(log);
        }
    }
}
