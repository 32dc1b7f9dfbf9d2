package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.flashstrike.wal.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo} and {@code recover} are quiet by default: progress (one line a second, stderr being
 * no terminal here), the summary, the verdict and where the recording is; the dumps and the full
 * report only with {@code --dump-interval}, and those dumps show the run so far.
 */
class QuietOutputTest {
    /** metrics URL, 2 demo lines, the summary (13), the verdict and what to do (2), the recording (3), with room for one more. */
    private static final int FIXED_LINES = 22;

    @Test
    void demoPrintsTheSummaryTheVerdictAndTheRecordingOnly(@TempDir Path tmp) {
        Path jfr = tmp.resolve("demo.jfr");
        long start = System.nanoTime();
        CliTest.Run d = run("demo", "--segments", "8", "--segment-size", "1MiB", "--jfr", jfr.toString(), "--metrics-port", "0");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(d.out().contains("Recovery summary") && d.out().contains("segments        : 8 replayed of 8"), d.out());
        assertTrue(d.out().matches("(?s).*\nVerdict: (OK|INFO|WARNING) \\(score [0-9.]+ of 100\\): .*"), d.out());
        assertTrue(d.out().contains("JFR recording: " + jfr.toAbsolutePath()), d.out());
        assertTrue(d.out().contains("the full report: flashstrike-wal report " + jfr), d.out());
        assertFalse(d.out().contains("Snapshot:") || d.out().contains("Report of ") || d.out().contains("[progress]"), d.out());
        // progress: at most a line a second for generate and for recover, plus generate's last
        int bound = FIXED_LINES + 2 * (int) Math.ceil(seconds) + 1;
        assertTrue(lines(d.out()) + lines(d.err()) <= bound, lines(d.out()) + lines(d.err()) + " lines > " + bound
                + " in " + seconds + " s:\n" + d.out() + d.err());
        assertPlain(d.err());
        assertPlain(d.out());
    }

    @Test
    void recoverPrintsProgressLinesNoDumpsAndNoReport(@TempDir Path tmp) {
        Path wal = tmp.resolve("wal");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "4", "--segment-size", "1MiB").exit());
        CliTest.Run r = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("Recovery summary\n"), r.out());
        assertEquals(12, lines(r.out()), "the summary and nothing else without a recording:\n" + r.out());
        for (String line : r.err().lines().toList()) {
            assertTrue(line.matches("recover \\[[#.]{30}] \\d+/4 segments .*"), "only progress lines on stderr: " + line);
        }
        assertPlain(r.err());
    }

    @Test
    void dumpsWhileRunningShowTheRunSoFarNotAnEmptyRecover(@TempDir Path tmp) {
        Path wal = tmp.resolve("wal");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "16", "--segment-size", "1MiB").exit());
        CliTest.Run r = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", "-1", "--dump-interval", "0.001");
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> recoverLines = r.out().lines().filter(l -> l.startsWith(" Recover         : ")).toList();
        assertTrue(recoverLines.size() >= 2, "a dump while running and the final one:\n" + r.out());
        // every dump before the last is taken while the run lasts; the last is the final one, after it
        Pattern running = Pattern.compile(" Recover         : running for ([0-9.]+) s \\| (\\d+) of (\\d+) segments replayed so far");
        double lastSeconds = -1;
        for (String line : recoverLines.subList(0, recoverLines.size() - 1)) {
            Matcher m = running.matcher(line);
            if (m.matches()) {
                double s = Double.parseDouble(m.group(1));
                assertTrue(s >= lastSeconds && s > 0, "the run's time goes forward: " + recoverLines);
                lastSeconds = s;
                assertTrue(Integer.parseInt(m.group(2)) <= 16, line);
            } else {
                // a tick may land between the run's end and the final dump: then it shows the recorded run
                assertTrue(line.matches(" Recover         : [0-9.]+ ms \\| count 1 \\| .*"), line);
            }
        }
        assertTrue(lastSeconds > 0, "at least one dump while running:\n" + recoverLines);
        assertTrue(recoverLines.get(recoverLines.size() - 1).matches(" Recover         : [0-9.]+ ms \\| count 1 \\| failures 0 .*"),
                recoverLines.toString());
        assertFalse(r.out().contains("count 0 | failures 0 | mean 0.000 ms") && r.out().contains(" Recover         : 0.000 ms"), r.out());
        assertTrue(r.err().isEmpty(), "no bar when dumps are asked for: " + r.err());
    }

    @Test
    void aUsageErrorOnRecoverIsAtMostThreeLines(@TempDir Path tmp) {
        for (String[] args : new String[][] {{"recover"}, {"recover", "--dir"}, {"recover", "--dir", tmp.toString(), "--mode", "x"},
                {"recover", "--dir", tmp.toString(), "--lookahead", "0"}, {"recover", "--dir", tmp.toString(), "--nope"}}) {
            CliTest.Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertTrue(r.out().isEmpty(), r.out());
            assertTrue(lines(r.err()) <= 3, String.join(" ", args) + ":\n" + r.err());
        }
    }

    private static int lines(String text) {
        return (int) text.lines().count();
    }

    /** Not on a terminal: no escape sequence and no carriage return. */
    private static void assertPlain(String text) {
        assertEquals(-1, text.indexOf('\u001b'), "ESC in:\n" + text);
        assertEquals(-1, text.indexOf('\r'), "CR in:\n" + text);
    }
}
