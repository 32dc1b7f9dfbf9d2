package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command through the unpacked distribution ({@code bin/flashstrike-wal}) and
 * {@code tools/flashstrike-wal}, as a user runs them: lib/, the bundled .jfc, System.exit's code, the script.
 * The stream sidecar's packaged runs are in {@link PackagedStreamIT}.
 */
class PackagedCliIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void jar() {
        PackagedCli.requireJar();
    }

    @Test
    void versionHelpAndABareCommand() throws Exception {
        Processes.Result v = PackagedCli.run(tmp, "--version");
        assertEquals(0, v.exit(), v.output());
        assertTrue(v.output().startsWith("flashstrike-wal " + BuildInfo.VERSION + " on Java " + Runtime.version() + " "),
                "the release and the JDK: " + v.output());
        Processes.Result bare = PackagedCli.run(tmp);
        assertEquals(2, bare.exit(), bare.output());
        assertEquals("flashstrike-wal: a command is required (try 'demo')\nTry 'flashstrike-wal --help' for more information.",
                bare.output().strip(), "the problem and where the help is, not the whole usage");
        Processes.Result help = PackagedCli.script(tmp, null, "--help");
        assertEquals(0, help.exit(), help.output());
        for (String command : List.of("generate", "recover", "demo", "stream", "report", "bench-recovery")) {
            assertTrue(help.output().contains("\n  " + command + " "), command + " in:\n" + help.output());
            Processes.Result h = PackagedCli.run(tmp, command, "--help");
            assertEquals(0, h.exit(), h.output());
            assertTrue(h.output().contains("Exit codes:\n  0 "), command + " --help lists its exit codes:\n" + h.output());
        }
        Processes.Result unknown = PackagedCli.script(tmp, null, "frobnicate");
        assertEquals(2, unknown.exit(), unknown.output());
    }

    @Test
    void generateRecoverAndReportThroughTheScript() throws Exception {
        Path wal = tmp.resolve("wal");
        Processes.Result g = PackagedCli.script(tmp, null, "generate", "--dir", wal.toString(), "--segments", "3",
                "--segment-size", "128KiB", "--record-size", "200");
        assertEquals(0, g.exit(), g.output());
        long records = Long.parseLong(CliTest.find(g.output(), "generated 3 segments, (\\d+) records"));
        Path jfr = tmp.resolve("r.jfr");
        Processes.Result r = PackagedCli.script(tmp, null, "recover", "--dir", wal.toString(), "--jfr", jfr.toString(),
                "--dump-interval", "0", "--metrics-port", "0");
        assertEquals(0, r.exit(), r.output());
        CliTest.assertFiguresAgree(r.output(), jfr, 3, records);
        Processes.Result report = PackagedCli.run(tmp, "report", jfr.toString(), "--format", "csv");
        assertEquals(0, report.exit(), report.output());
        assertTrue(report.output().lines().anyMatch(l -> l.startsWith("flashstrike.wal.PreloadSegment,3,0,")), report.output());
    }

    @Test
    void recoverWithACustomJfcRecordsWhatItEnables() throws Exception {
        Path wal = generate(2);
        // Events a .jfc does not name keep their defaults (ours are enabled), so the file changes two.
        Path jfc = Files.writeString(tmp.resolve("custom.jfc"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <configuration version="2.0" label="slow preloads only, no finishes">
                  <event name="flashstrike.wal.PreloadSegment">
                    <setting name="enabled">true</setting>
                    <setting name="threshold">1 h</setting>
                  </event>
                  <event name="flashstrike.wal.FinishSegment">
                    <setting name="enabled">false</setting>
                  </event>
                </configuration>
                """);
        Path jfr = tmp.resolve("custom.jfr");
        Processes.Result r = PackagedCli.run(tmp, "recover", "--dir", wal.toString(), "--jfc", jfc.toString(), "--jfr", jfr.toString(),
                "--dump-interval", "0", "--metrics-port", "-1");
        assertEquals(0, r.exit(), r.output());
        Map<String, Long> types = RecordingFile.readAllEvents(jfr).stream().map(e -> e.getEventType().getName())
                .filter(n -> n.startsWith("flashstrike.wal.")).collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        // Exactly what the file enables: no in-process stream runs beside the recording (the recording
        // is folded after the run), so nothing else widens the settings (JFR records the union of
        // every running recording's); the statistics events are off by default and this file does
        // not name them.
        assertEquals(Map.of("flashstrike.wal.WaitForSegment", 2L, "flashstrike.wal.ReadSegment", 2L, "flashstrike.wal.Recovery", 1L),
                types, "no preload reaches 1 h, finishes are off");
    }

    @Test
    void anInvalidOrMissingJfcIsAOneLineUsageErrorBeforeAnyWork() throws Exception {
        Path wal = generate(1);
        Path bad = Files.writeString(tmp.resolve("bad.jfc"), "not a settings file\n");
        for (Path jfc : List.of(bad, tmp.resolve("missing.jfc"))) {
            Processes.Result r = PackagedCli.run(tmp, "recover", "--dir", wal.toString(), "--jfc", jfc.toString(),
                    "--dump-interval", "0", "--metrics-port", "-1");
            assertEquals(2, r.exit(), "a file an option names, like --web-config-file: " + r.output());
            assertEquals(1, r.output().strip().lines().count(), "one line: " + r.output());
            assertTrue(r.output().startsWith("flashstrike-wal: cannot read --jfc " + jfc + ": "), r.output());
            assertFalse(r.output().contains("Recovery summary"), r.output());
        }
    }

    /** The launcher as a user runs it into a log: about twenty lines, no escape sequence, no carriage return. */
    @Test
    void demoThroughTheLauncherIsQuietAndPlain() throws Exception {
        Path jfr = tmp.resolve("quiet.jfr");
        long start = System.nanoTime();
        Processes.Result d = PackagedCli.script(tmp, null, "demo", "--segments", "8", "--segment-size", "1MiB",
                "--jfr", jfr.toString(), "--metrics-port", "0");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, d.exit(), d.output());
        assertTrue(d.output().contains("\nVerdict: ") && d.output().contains("JFR recording: " + jfr), d.output());
        assertFalse(d.output().contains("Snapshot:") || d.output().contains("Report of "), d.output());
        assertEquals(-1, d.output().indexOf('\u001b'), "ESC in:\n" + d.output());
        assertEquals(-1, d.output().indexOf('\r'), "CR in:\n" + d.output());
        // 20 fixed lines and at most one progress line a second for generate and for recover
        long lines = d.output().lines().count();
        assertTrue(lines <= 22 + 2 * Math.ceil(seconds) + 1, lines + " lines in " + seconds + " s:\n" + d.output());
    }

    @Test
    void demoKeepLeavesARecoverableWal() throws Exception {
        Path jfr = tmp.resolve("demo.jfr");
        Processes.Result d = PackagedCli.script(tmp, null, "demo", "--segments", "2", "--segment-size", "256KiB", "--keep",
                "--jfr", jfr.toString(), "--metrics-port", "0", "--dump-interval", "0");
        assertEquals(0, d.exit(), d.output());
        Path kept = Path.of(CliTest.find(d.output(), "demo: WAL kept in (\\S+)"));
        try {
            long records = Long.parseLong(CliTest.find(d.output(), "demo: (\\d+) records written"));
            CliTest.assertFiguresAgree(d.output(), jfr, 2, records);
            assertTrue(d.output().indexOf("metrics: http://127.0.0.1:") < d.output().indexOf("demo: generating"),
                    "/metrics is bound before the WAL is generated:\n" + d.output());
            Processes.Result again = PackagedCli.run(tmp, "recover", "--dir", kept.toString(), "--no-jfr", "--dump-interval", "0",
                    "--metrics-port", "-1");
            assertEquals(0, again.exit(), again.output());
            assertTrue(again.output().contains("records         : " + records), again.output());
        } finally {
            try (var files = Files.list(kept)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(kept);
        }
    }

    @Test
    void benchRecoveryTinyRun() throws Exception {
        Processes.Result b = PackagedCli.run(tmp, "bench-recovery", "--segments", "2", "--segment-size", "256KiB", "--runs", "1");
        assertEquals(0, b.exit(), b.output());
        assertTrue(b.output().contains("WAL: 2 segments, 512.0 KiB, generated"), b.output());
        for (String measure : List.of("limit: map + CRC32C + unmap, 1 thread", "recovery, in-memory telemetry, JFR off",
                "recovery, in-memory telemetry + JFR events")) {
            assertTrue(b.output().lines().anyMatch(l -> l.startsWith(measure) && l.endsWith("%")), measure + " in:\n" + b.output());
        }
        assertTrue(b.output().contains("stages of the last run"), b.output());
        Processes.Result zero = PackagedCli.run(tmp, "bench-recovery", "--runs", "0");
        assertEquals(2, zero.exit(), zero.output());
    }

    private Path generate(int segments) throws Exception {
        Path wal = tmp.resolve("wal");
        Processes.Result g = PackagedCli.run(tmp, "generate", "--dir", wal.toString(), "--segments", String.valueOf(segments),
                "--segment-size", "64KiB");
        assertEquals(0, g.exit(), g.output());
        return wal;
    }
}
