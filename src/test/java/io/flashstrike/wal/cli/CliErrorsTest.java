package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.flashstrike.wal.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 26, item 2: every error is one line that says what is wrong and where, and a usage error
 * is exit 2 on every command, before any work. Each case runs the real command on real files.
 */
class CliErrorsTest {
    private static final String[] QUIET = {"--metrics-port", "-1", "--dump-interval", "0"};

    /** @return {@code command} with /metrics off and no periodic dumps */
    private static String[] quiet(String... command) {
        return Stream.concat(Stream.of(command), Stream.of(QUIET)).toArray(String[]::new);
    }

    private static void assertOneLine(String expected, CliTest.Run r) {
        assertEquals(expected, r.err().strip(), "stderr: " + r.err());
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    void generateIntoARegularFileSaysItIsNotADirectory(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("recovery.jfr"), "x");
        CliTest.Run r = run("generate", "--dir", file.toString());
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal: --dir " + file + ": not a directory", r);
    }

    @Test
    void generateIntoAnExistingLogSaysSoBeforeAnyProgressBar(@TempDir Path tmp) {
        Path wal = tmp.resolve("wal");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "2", "--segment-size", "64KiB").exit());
        CliTest.Run r = run("generate", "--dir", wal.toString(), "--segments", "2", "--segment-size", "64KiB");
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal: segment 0 exists in " + wal + ": generate writes a new log only", r);
        assertTrue(run("generate", "--help").out().replaceAll("\\s+", " ").contains("1 failure: --dir is not a directory,"
                + " cannot be created or already holds segments"), "the code is in --help");
    }

    @Test
    void generateWhereNoDirectoryCanBeCreatedNamesThePathAndTheReason(@TempDir Path tmp) throws IOException {
        Path underAFile = Files.writeString(tmp.resolve("file"), "x").resolve("wal");
        CliTest.Run r = run("generate", "--dir", underAFile.toString());
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal: cannot create --dir " + underAFile + ": not a directory", r);
        Path proc = Path.of("/proc/nope");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        CliTest.Run p = run("generate", "--dir", proc.toString());
        assertEquals(ExitCodes.FAILURE, p.exit());
        assertOneLine("flashstrike-wal: cannot create --dir /proc/nope: no such file or directory", p);
    }

    @Test
    void benchRecoveryOnAMissingDirectoryIsOneLine(@TempDir Path tmp) {
        CliTest.Run r = run("bench-recovery", "--dir", tmp.resolve("missing").toString());
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal: --dir " + tmp.resolve("missing") + ": no such directory", r);
    }

    @Test
    void reportNamesTheHtmlFileOnceWithTheReason(@TempDir Path tmp) {
        Path wal = tmp.resolve("wal");
        Path jfr = tmp.resolve("r.jfr");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "1", "--segment-size", "64KiB").exit());
        assertEquals(0, run(quiet("recover", "--dir", wal.toString(), "--jfr", jfr.toString())).exit());
        Path html = tmp.resolve("nonexistent/x.html");
        CliTest.Run r = run("report", "--html", html.toString(), jfr.toString());
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal report: cannot write " + html + ": no such directory", r);
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full (Linux)");
        CliTest.Run full = run("report", "--html", "/dev/full", jfr.toString());
        assertEquals(ExitCodes.FAILURE, full.exit());
        assertOneLine("flashstrike-wal report: cannot write /dev/full: no space left on device", full);
    }

    /** A real full file system: a 128 KiB tmpfs (needs root, as in the build container; skipped otherwise). */
    @Test
    void aFullDiskNamesTheSegmentFile(@TempDir Path tmp) throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("small"));
        assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", mnt.toString()) == 0, "mounting a tmpfs");
        try {
            CliTest.Run r = run("generate", "--dir", mnt.resolve("wal").toString(), "--segments", "4", "--segment-size", "64KiB");
            assertEquals(ExitCodes.FAILURE, r.exit(), r.err());
            List<String> lines = r.err().lines().filter(l -> l.startsWith("flashstrike-wal")).toList();
            assertEquals(1, lines.size(), r.err());
            assertTrue(lines.get(0).matches("flashstrike-wal: " + java.util.regex.Pattern.quote(mnt.resolve("wal").toString())
                    + "/0000000000000000000[12]\\.wal: no space left on device"), lines.get(0));
        } finally {
            assertEquals(0, exec("umount", mnt.toString()));
        }
    }

    private static int exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void aMissingJfcIsAUsageErrorLikeAMissingWebConfig(@TempDir Path tmp) throws IOException {
        Files.createDirectory(tmp.resolve("wal"));
        Path jfc = tmp.resolve("missing.jfc");
        CliTest.Run r = run(quiet("recover", "--dir", tmp.resolve("wal").toString(), "--jfc", jfc.toString()));
        assertEquals(ExitCodes.USAGE, r.exit());
        assertOneLine("flashstrike-wal: cannot read --jfc " + jfc + ": no such file or directory", r);
        CliTest.Run web = run(quiet("recover", "--dir", tmp.resolve("wal").toString(), "--web-config-file",
                tmp.resolve("missing.yml").toString()));
        assertEquals(ExitCodes.USAGE, web.exit(), "the same code for the same kind of fault");
        CliTest.Run demo = run(quiet("demo", "--jfc", jfc.toString()));
        assertEquals(ExitCodes.USAGE, demo.exit());
        assertFalse(demo.out().contains("demo: generating"), demo.out());
        Path jfr = tmp.resolve("nodir/r.jfr");
        CliTest.Run out = run("demo", "--jfr", jfr.toString(), "--metrics-port", "0"); // before /metrics binds
        assertEquals(ExitCodes.USAGE, out.exit());
        assertOneLine("flashstrike-wal: cannot write --jfr " + jfr + ": no such directory", out);
    }

    @Test
    void badNumbersAreUsageErrorsOnEveryCommandBeforeAnyWork(@TempDir Path tmp) {
        String[][] cases = {
                {"attach", "--pid", "-5"},
                {"stream", "--repository", tmp.toString(), "--duration", "-1"},
                {"stream", "--repository", tmp.toString(), "--dump-interval", "-1"},
                {"demo", "--segment-size", "100", "--metrics-port", "-1"},
                {"demo", "--record-size", "1MiB", "--segment-size", "64KiB", "--metrics-port", "-1"},
                {"generate", "--dir", tmp.resolve("g").toString(), "--segment-size", "100"},
                {"generate", "--dir", tmp.resolve("g").toString(), "--segments", "0"},
                {"bench-recovery", "--segment-size", "100"},
                {"recover", "--dir", tmp.toString(), "--push-gateway", "http://127.0.0.1:9091", "--push-label", "foo"},
                {"demo", "--segments", "0", "--metrics-port", "-1"},
                {"recover", "--dir", tmp.toString(), "--dump-interval", "-1"},
                {"attach", "--pid", "1", "--port", "70000"},
                {"attach", "--pid", "1", "--dump-interval", "-1"},
                {"attach", "--pid", "1", "--stream", "--settings", tmp.resolve("missing.jfc").toString()},
                {"report", "--top", "-1", tmp.resolve("r.jfr").toString()},
                {"report", "--format", "xml", tmp.resolve("r.jfr").toString()},
        };
        String[] expected = {"'--pid': -5 (a process id, 1 or more)", "'--duration': -1.0 (0 or more seconds)",
                "'--dump-interval': -1.0 (0 or more seconds)", "'--segment-size': segment size 100 is not a multiple of 8",
                "'--record-size': a record with a 1048576-byte payload does not fit in a 65536-byte segment",
                "'--segment-size': segment size 100 is not a multiple of 8", "'--segments': 0 (1 or more)",
                "'--segment-size': segment size 100 is not a multiple of 8", "'--push-label': 'foo' is not NAME=VALUE",
                "'--segments': 0 (1 or more)", "'--dump-interval': -1.0 (0 or more seconds)",
                "'--port': '70000' is not a port", "'--dump-interval': -1.0 (0 or more seconds)",
                "'--settings': cannot read " + tmp.resolve("missing.jfc"), "'--top': -1 (0 or more)",
                "'--format': 'xml' (one of text, json, csv)"};
        for (int i = 0; i < cases.length; i++) {
            CliTest.Run r = run(cases[i]);
            String what = String.join(" ", cases[i]) + ": " + r.err();
            assertEquals(ExitCodes.USAGE, r.exit(), what);
            List<String> lines = r.err().lines().toList();
            assertEquals(2, lines.size(), what);
            assertTrue(lines.get(0).startsWith("flashstrike-wal " + cases[i][0] + ": Invalid value for option " + expected[i]), what);
            assertEquals("Try 'flashstrike-wal " + cases[i][0] + " --help' for more information.", lines.get(1), what);
            assertEquals("", r.out(), "no work started: " + what);
        }
        assertFalse(Files.exists(tmp.resolve("g")), "generate created nothing");
    }

    @Test
    void aMissingOrWrongRepositoryIsOneLineNamingIt(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        for (Path repository : List.of(tmp.resolve("missing"), file)) {
            CliTest.Run r = run("stream", "--repository", repository.toString(), "--metrics-port", "-1");
            assertEquals(ExitCodes.FAILURE, r.exit(), r.err());
            assertOneLine("flashstrike-wal: " + repository + ": no such JFR repository directory", r);
        }
    }

    @Test
    void aUsageErrorOnRecoverIsAtMostThreeLines(@TempDir Path tmp) {
        for (String[] bad : new String[][] {{"recover"}, {"recover", "--dir", tmp.toString(), "--no-jfr", "--no-jfr"}, {"recover", "--dir", tmp.toString(), "--lookahed", "2"},
                {"recover", "--dir", tmp.toString(), "--mode", "lenient"}}) {
            CliTest.Run r = run(bad);
            assertEquals(ExitCodes.USAGE, r.exit(), r.err());
            assertTrue(r.err().lines().count() <= 3, r.err());
            assertTrue(r.err().strip().endsWith("Try 'flashstrike-wal recover --help' for more information."), r.err());
        }
    }

    @Test
    void aBindAddressNotOnThisMachineSaysSo(@TempDir Path tmp) throws Exception {
        String foreign = "10.255.255.1";
        assumeTrue(NetworkInterface.getByInetAddress(InetAddress.getByName(foreign)) == null, foreign + " is not ours");
        CliTest.Run r = run("recover", "--dir", tmp.toString(), "--no-jfr", "--metrics-bind", foreign);
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().startsWith("flashstrike-wal recover: Invalid value for option '--metrics-bind': " + foreign
                + " is not an address of this machine"), r.err());
        assertFalse(r.err().contains("another exporter"), r.err());
    }

    @Test
    void aRecoveryThatCannotStartPrintsNoSummaryAndLeavesNoRecording(@TempDir Path tmp) throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        List<Path> before = recordings(cwd);
        CliTest.Run r = run("recover", "--dir", tmp.resolve("missing").toString(), "--metrics-port", "-1");
        assertEquals(ExitCodes.FAILURE, r.exit());
        assertOneLine("flashstrike-wal: --dir " + tmp.resolve("missing") + ": no such directory", r);
        assertEquals(before, recordings(cwd), "no flashstrike-wal-<time>.jfr in " + cwd);
    }

    private static List<Path> recordings(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("flashstrike-wal-\\d{8}-\\d{6}\\.jfr")).sorted().toList();
        }
    }
}
