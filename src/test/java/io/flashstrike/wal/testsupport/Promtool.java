package io.flashstrike.wal.testsupport;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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

    /** Asserts that {@code promtool check metrics} accepts {@code text} with no lint finding. */
    public static void assertClean(String text) throws Exception {
        Process p = new ProcessBuilder(require().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool hung");
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out + "\non:\n" + text);
        assertEquals("", out.trim(), "promtool lint findings:\n" + out);
    }
}
