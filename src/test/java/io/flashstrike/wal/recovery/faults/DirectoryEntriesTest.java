package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.telemetry.Anomaly;
import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.recovery.faults.Recoveries.Ran;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27, item 2: nothing in a WAL directory is skipped in silence. An entry named like a
 * segment that is not a regular file, or a name like a segment's that is not one, at the tail or
 * in the middle, fails every mode with its path and what it is, and {@code --repair} changes
 * nothing; an unknown entry gets one warning; our own files ({@code LOCK}, {@code .broken}) none.
 */
class DirectoryEntriesTest {
    private static final String[] QUIET = {"--no-jfr", "--dump-interval", "0", "--metrics-port", "-1"};

    /** What takes the place of a segment file, and how the line describes it. */
    enum Special {
        DIRECTORY("a directory"),
        FIFO("a FIFO"),
        DANGLING_SYMLINK("a dangling symbolic link (to nowhere.wal)"),
        SYMLINK_LOOP("a symbolic link loop (to loop)"),
        SYMLINK_TO_DIRECTORY("a symbolic link to a directory (to elsewhere)");

        final String says;

        Special(String says) {
            this.says = says;
        }

        void create(Path at) throws Exception {
            switch (this) {
                case DIRECTORY -> Files.createDirectory(at);
                case FIFO -> mkfifo(at);
                case DANGLING_SYMLINK -> Files.createSymbolicLink(at, Path.of("nowhere.wal"));
                case SYMLINK_LOOP -> {
                    Path other = at.resolveSibling("loop");
                    Files.createSymbolicLink(other, at.getFileName());
                    Files.createSymbolicLink(at, other.getFileName());
                }
                case SYMLINK_TO_DIRECTORY -> {
                    Path d = Files.createDirectory(at.resolveSibling("elsewhere"));
                    Files.createSymbolicLink(at, d.getFileName());
                }
            }
        }
    }

    static Stream<Arguments> specialsAtTheTailAndInTheMiddle() {
        return Stream.of(Special.values()).flatMap(s -> Stream.of(FaultMatrix.NEWEST, FaultMatrix.SEALED)
                .flatMap(i -> Stream.of(RecoveryMode.values()).map(m -> Arguments.of(s, i, m))));
    }

    @ParameterizedTest(name = "{0} as segment {1}, {2}")
    @MethodSource("specialsAtTheTailAndInTheMiddle")
    void anEntryNamedLikeASegmentThatIsNotAFileFailsEveryModeAndIsNeverRepaired(Special special, int index,
                                                                              RecoveryMode mode, @TempDir Path tmp)
            throws Exception {
        WalFixture log = FaultMatrix.generate(tmp.resolve("wal"));
        Path at = log.path(index);
        Files.delete(at);
        special.create(at);
        String line = at + ": NOT_A_SEGMENT: " + special.says + ", not a regular file; nothing replayed";
        assertRefused(log, mode, at, log.id(index), "NOT_A_SEGMENT", line, tmp);
        assertTrue(Files.exists(at, LinkOption.NOFOLLOW_LINKS), "left in place");
    }

    static Stream<Arguments> misnamedNewestSegments() {
        return Stream.of(
                Arguments.of("5.wal", "1 digit, not 20"),
                Arguments.of("segment-5.wal", "'segment-5' is not 20 digits"),
                Arguments.of("00000000000000000005.WAL", "suffix .WAL, not .wal"),
                Arguments.of("000000000000000000005.wal", "21 digits, not 20"),
                Arguments.of("0000000000000000005.wal", "19 digits, not 20"),
                Arguments.of("99999999999999999999.wal", "the id is larger than any segment id"));
    }

    @ParameterizedTest(name = "newest segment renamed {0}")
    @MethodSource("misnamedNewestSegments")
    void aNameLikeASegmentsThatIsNotOneFailsEveryModeAndIsNeverRepaired(String name, String why, @TempDir Path tmp)
            throws Exception {
        for (RecoveryMode mode : RecoveryMode.values()) {
            WalFixture log = FaultMatrix.generate(tmp.resolve("wal-" + mode));
            Path renamed = log.dir.resolve(name);
            Files.move(log.path(FaultMatrix.NEWEST), renamed);
            String line = renamed + ": MISNAMED_SEGMENT: named like a segment but not one (" + why + ";";
            assertRefused(log, mode, renamed, -1, "MISNAMED_SEGMENT", line, tmp);
        }
    }

    @Test
    void theCliFailsWithOneLineAndExit3(@TempDir Path tmp) throws Exception {
        WalFixture log = FaultMatrix.generate(tmp.resolve("wal"));
        Path at = log.path(FaultMatrix.NEWEST);
        Files.delete(at);
        mkfifo(at);
        for (String mode : new String[] {"strict", "tolerate-tail", "point-in-time"}) {
            CliTest.Run r = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", mode));
            assertEquals(3, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("flashstrike-wal: recovery stopped: " + at + ": NOT_A_SEGMENT: a FIFO"), r.err());
        }
    }

    @Test
    void unknownEntriesGetOneWarningAndOurOwnFilesNone(@TempDir Path tmp) throws Exception {
        WalFixture log = FaultMatrix.generate(tmp.resolve("wal"));
        Path broken = log.dir.resolve(log.path(0).getFileName() + ".broken");
        Files.write(broken, new byte[] {1, 2, 3}); // kept by an earlier repair: ours, not a warning
        Ran clean = Recoveries.run(log.dir, RecoveryMode.STRICT, false, false, tmp, FaultMatrix.SEED, FaultMatrix.PAYLOAD);
        assertEquals(0, clean.result().exitCode(), clean.result().toString());
        assertNull(clean.result().warning(), "LOCK and .broken are ours");

        Files.writeString(log.dir.resolve("notes.txt"), "hello");
        Files.createDirectory(log.dir.resolve("archive"));
        for (RecoveryMode mode : RecoveryMode.values()) {
            Ran ran = Recoveries.run(log.dir, mode, false, false, tmp, FaultMatrix.SEED, FaultMatrix.PAYLOAD);
            RecoveryResult r = ran.result();
            assertEquals(0, r.exitCode(), r.toString());
            ran.delivered().assertPrefix(1, log.summary.lastLsn());
            assertEquals("warning: ignored 2 entries of " + log.dir + " that are not part of the log: archive (a directory),"
                    + " notes.txt", r.warning());
        }
        CliTest.Run cli = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", "strict"));
        assertEquals(0, cli.exit(), cli.err());
        assertEquals("flashstrike-wal: warning: ignored 2 entries of " + log.dir + " that are not part of the log:"
                + " archive (a directory), notes.txt", cli.err().strip());
    }

    @Test
    void classifyNeverOpensAndNamesOurOwnFiles(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve(SegmentFiles.fileName(3));
        mkfifo(fifo); // opening it would block: classification must not
        assertEquals(WalDirectory.Kind.NOT_A_SEGMENT, WalDirectory.classify(fifo).kind());
        for (String ours : new String[] {"LOCK", "00000000000000000003.wal.broken", "00000000000000000003.wal.broken.1",
                "00000000000000000003.wal.broken.tmp"}) {
            assertEquals(WalDirectory.Kind.KNOWN, WalDirectory.classify(tmp.resolve(ours)).kind(), ours);
        }
        for (String other : new String[] {"notes.txt", "00000000000000000003.wal.tmp", "3.wal.broken"}) {
            assertEquals(WalDirectory.Kind.UNKNOWN, WalDirectory.classify(tmp.resolve(other)).kind(), other);
        }
    }

    // ---------------------------------------------------------------------------------------

    /** Recovery in {@code mode}, then with {@code --repair} where the mode allows it: refused, nothing delivered or changed. */
    private static void assertRefused(WalFixture log, RecoveryMode mode, Path entry, long id, String reason, String line,
                                      Path tmp) throws Exception {
        Map<String, byte[]> before = Recoveries.snapshot(log.dir);
        for (boolean repair : mode == RecoveryMode.STRICT ? new boolean[] {false} : new boolean[] {false, true}) {
            String ctx = entry.getFileName() + " in " + mode + (repair ? " --repair" : "");
            Ran ran = Recoveries.run(log.dir, mode, repair, false, tmp, FaultMatrix.SEED, FaultMatrix.PAYLOAD);
            RecoveryResult r = ran.result();
            assertEquals(Status.NOT_FOUND, r.status(), ctx + ": " + r);
            assertEquals(3, r.exitCode(), ctx);
            assertEquals(reason, r.reason(), ctx);
            assertEquals(id, r.failureSegmentId(), ctx);
            assertTrue(r.error().startsWith(line), ctx + ": " + r.error());
            assertNull(r.repair(), ctx);
            assertEquals(0, r.records(), ctx + ": no prefix of a log whose end is unknown");
            assertEquals(Map.of(new Anomaly(reason, "failed"), 1L), ran.metrics().manager().anomalies(), ctx);
            Recoveries.assertSameFiles(before, Recoveries.snapshot(log.dir), ctx);
        }
    }

    private static void mkfifo(Path at) throws Exception {
        Process p = new ProcessBuilder("mkfifo", at.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + at);
    }

    private static String[] args(String... args) {
        String[] all = new String[args.length + QUIET.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(QUIET, 0, all, args.length, QUIET.length);
        return all;
    }
}
