package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.segment.SegmentLayout;
import io.flashstrike.wal.segment.WalDirectoryLock;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27, item 1: two real processes on one WAL directory. The loser fails at once with one line
 * naming the directory and the holder's pid, changes nothing, and the winner's log is whole.
 */
class DirectoryLockProcessTest {
    private static final String[] QUIET = {"--no-jfr", "--dump-interval", "0", "--metrics-port", "-1"};

    @Test
    void aRepairStartedWhileAChildGeneratesRefusesAtOnceAndTheGeneratedLogIsWhole(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        Path log = tmp.resolve("generate.txt");
        Process generate = ChildJvm.start(List.of(), log, "generate", "--fsync", "--dir", wal.toString(),
                "--segments", "24", "--segment-size", "4MiB", "--record-size", "1KiB");
        try {
            String pid = "pid " + generate.pid();
            awaitLockHolder(wal, pid, generate, log);
            long start = System.nanoTime();
            CliTest.Run repair = recover(wal, "--mode", "tolerate-tail", "--repair");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, repair.exit(), repair.err());
            assertEquals("flashstrike-wal: recovery stopped: WAL directory " + wal + " is locked by another process ("
                    + pid + ", " + wal.resolve("LOCK") + ")", repair.err().strip());
            assertTrue(generate.isAlive() || generate.exitValue() == 0, "the generator is not disturbed");
            assertTrue(tookMs < 10_000, "refused at once, not after waiting: " + tookMs + " ms");
            // A reader is refused likewise: it would read segments still being written.
            CliTest.Run read = recover(wal, "--mode", "strict");
            assertEquals(1, read.exit(), read.err());
            assertTrue(read.err().contains("is locked by another process (" + pid), read.err());

            Processes.Result g = Processes.await(generate, log, Duration.ofSeconds(90), "generate");
            assertEquals(0, g.exit(), g.output());
            long records = Long.parseLong(find(g.output(), "generated 24 segments, (\\d+) records"));
            CliTest.Run strict = recover(wal, "--mode", "strict");
            assertEquals(0, strict.exit(), strict.err());
            assertEquals("", strict.err().strip(), "no warning");
            assertEquals(String.valueOf(records), find(strict.out(), "records         : (\\d+)"), "every record delivered");
            assertEquals(0, Files.size(WalDirectoryLock.file(wal)), "the generator emptied its pid on exit");
        } finally {
            Processes.destroy(generate);
        }
    }

    @Test
    void whileThisProcessHoldsTheLockAChildRepairGenerateOrRecoveryRefusesAndChangesNothing(@TempDir Path tmp)
            throws Exception {
        WalFixture log = damagedLog(tmp.resolve("wal"));
        Map<String, byte[]> before = Recoveries.snapshot(log.dir);
        String holder = "pid " + ProcessHandle.current().pid();
        String line = "WAL directory " + log.dir + " is locked by another process (" + holder + ", "
                + log.dir.resolve("LOCK") + ")";
        try (WalDirectoryLock held = WalDirectoryLock.exclusive(log.dir)) {
            ChildJvm.Result repair = ChildJvm.run(List.of(), tmp.resolve("repair.txt"),
                    args("recover", "--dir", log.dir.toString(), "--mode", "point-in-time", "--repair"));
            assertEquals(1, repair.exit(), repair.output());
            assertTrue(repair.output().contains("flashstrike-wal: recovery stopped: " + line + "\n"), repair.output());
            // generate refuses a directory that holds a log before it looks at the lock (one line either way);
            // its lock refusal, in a directory without segments, is aWriterRefusedByAReaderNamesTheReadersPid's.
            ChildJvm.Result generate = ChildJvm.run(List.of(), tmp.resolve("generate.txt"), "generate", "--dir",
                    log.dir.toString(), "--segments", "1", "--segment-size", "64KiB");
            assertEquals(1, generate.exit(), generate.output());
            assertEquals("flashstrike-wal: segment 0 exists in " + log.dir + ": generate writes a new log only", generate.output().strip());
        }
        Recoveries.assertSameFiles(before, Recoveries.snapshot(log.dir), "refused openers");
    }

    @Test
    void aWriterRefusedByAReaderNamesTheReadersPid(@TempDir Path tmp) throws Exception {
        Path wal = Files.createDirectory(tmp.resolve("wal"));
        try (WalDirectoryLock reading = WalDirectoryLock.shared(wal)) {
            ChildJvm.Result generate = ChildJvm.run(List.of(), tmp.resolve("generate.txt"), "generate", "--dir",
                    wal.toString(), "--segments", "1", "--segment-size", "64KiB");
            assertEquals(1, generate.exit(), generate.output());
            String holder = Files.isReadable(Path.of("/proc/locks"))
                    ? "pid " + ProcessHandle.current().pid() + " reading it" : "pid not known";
            assertEquals("flashstrike-wal: WAL directory " + wal + " is locked by another process (" + holder + ", "
                    + wal.resolve("LOCK") + ")", generate.output().strip());
        }
    }

    /**
     * Two {@code --repair} children started together, however they interleave: one repairs, the
     * other refuses or (if it starts after) finds nothing to do; the {@code .broken} copy is whole.
     */
    @Test
    void twoRepairsStartedTogetherLeaveOneRepairAndAWholeBrokenCopy(@TempDir Path tmp) throws Exception {
        WalFixture log = damagedLog(tmp.resolve("wal"));
        Path damaged = log.path(FaultMatrix.SEALED);
        byte[] original = Files.readAllBytes(damaged);
        Process a = ChildJvm.start(List.of(), tmp.resolve("a.txt"),
                args("recover", "--dir", log.dir.toString(), "--mode", "point-in-time", "--repair"));
        Process b = ChildJvm.start(List.of(), tmp.resolve("b.txt"),
                args("recover", "--dir", log.dir.toString(), "--mode", "point-in-time", "--repair"));
        try {
            Processes.Result ra = Processes.await(a, tmp.resolve("a.txt"), Duration.ofSeconds(90), "repair a");
            Processes.Result rb = Processes.await(b, tmp.resolve("b.txt"), Duration.ofSeconds(90), "repair b");
            int repaired = 0;
            for (Processes.Result r : List.of(ra, rb)) {
                if (r.output().contains("flashstrike-wal: repaired: ")) {
                    assertEquals(0, r.exit(), r.output());
                    repaired++;
                } else if (r.exit() == 1) {
                    assertTrue(r.output().contains("is locked by another process (pid "), r.output());
                } else {
                    assertEquals(0, r.exit(), r.output()); // came second: the log was already cut
                }
            }
            assertEquals(1, repaired, ra.output() + "\n----\n" + rb.output());
            assertArrayEquals(original, Files.readAllBytes(damaged.resolveSibling(damaged.getFileName() + ".broken")),
                    ".broken holds every byte it moved aside");
            int cut = log.offset(FaultMatrix.SEALED, FaultMatrix.MID);
            assertArrayEquals(java.util.Arrays.copyOf(java.util.Arrays.copyOf(original, cut), original.length),
                    Files.readAllBytes(damaged), "cut there, then zeros to its size");
        } finally {
            Processes.destroy(a);
            Processes.destroy(b);
        }
    }

    // ---------------------------------------------------------------------------------------

    /** The matrix's log with a payload bit flipped in record 10 of sealed segment 2. */
    private static WalFixture damagedLog(Path dir) throws Exception {
        WalFixture log = FaultMatrix.generate(dir);
        log.flip(FaultMatrix.SEALED, log.offset(FaultMatrix.SEALED, FaultMatrix.MID)
                + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
        return log;
    }

    /** Waits (bounded) until {@code pid} is written in the directory's lock file: the child holds the lock. */
    private static void awaitLockHolder(Path wal, String pid, Process child, Path log) throws Exception {
        Path file = WalDirectoryLock.file(wal);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).strip().equals(pid)) {
                return;
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child ended before it was seen holding the lock:\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the child never held the lock:\n" + Files.readString(log));
    }

    private static String[] args(String... args) {
        String[] all = new String[args.length + QUIET.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(QUIET, 0, all, args.length, QUIET.length);
        return all;
    }

    private static CliTest.Run recover(Path wal, String... more) {
        String[] base = {"recover", "--dir", wal.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliTest.run(args(all));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in:\n" + text);
        return m.group(1);
    }
}
