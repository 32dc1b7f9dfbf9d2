package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.segment.SegmentLayout;
import io.flashstrike.wal.segment.WalDirectoryLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 27, item 1, a read-only WAL directory: recovery without {@code --repair} still reads it
 * (a shared lock on a read-only lock file, or no lock when none can be created), {@code --repair}
 * and {@code generate} fail with one line naming the lock file. The tests run as root, which
 * permissions do not stop: the directory and files are made immutable ({@code chattr +i}), which
 * stops root too. Skipped where {@code chattr} is not allowed.
 */
class ReadOnlyDirectoryTest {
    private static final String[] QUIET = {"--no-jfr", "--dump-interval", "0", "--metrics-port", "-1"};

    @Test
    void aReadOnlyDirectoryWithoutALockFileIsRecoveredUnlockedAndNeverRepaired(@TempDir Path tmp) throws Exception {
        WalFixture log = damagedTail(tmp.resolve("wal"));
        Files.delete(WalDirectoryLock.file(log.dir));
        Map<String, byte[]> before = Recoveries.snapshot(log.dir);
        List<Path> frozen = new ArrayList<>();
        try {
            assumeTrue(immutable(log.dir, frozen), "chattr +i is not allowed here");
            try (WalDirectoryLock lock = WalDirectoryLock.shared(log.dir)) {
                assertEquals(false, lock.held());
                assertTrue(lock.note().contains("cannot be created"), lock.note());
            }
            CliTest.Run read = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", "tolerate-tail"));
            assertEquals(0, read.exit(), read.err());
            assertTrue(read.out().contains("records         : " + recordsBeforeTheTear(log)), read.out());

            CliTest.Run repair = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", "tolerate-tail",
                    "--repair"));
            assertEquals(1, repair.exit(), repair.err());
            assertEquals("flashstrike-wal: recovery stopped: cannot lock WAL directory " + log.dir + ": "
                    + WalDirectoryLock.file(log.dir) + ": Operation not permitted", repair.err().strip());
        } finally {
            thaw(frozen);
        }
        Recoveries.assertSameFiles(before, Recoveries.snapshot(log.dir), "a read-only directory");
        assertTrue(Files.notExists(WalDirectoryLock.file(log.dir)));
    }

    @Test
    void aReadOnlyLockFileIsLockedSharedForReadingAndRefusesWriters(@TempDir Path tmp) throws Exception {
        WalFixture log = damagedTail(tmp.resolve("wal"));
        List<Path> frozen = new ArrayList<>();
        try {
            assumeTrue(immutable(WalDirectoryLock.file(log.dir), frozen) && immutable(log.dir, frozen),
                    "chattr +i is not allowed here");
            try (WalDirectoryLock lock = WalDirectoryLock.shared(log.dir)) {
                assertTrue(lock.held(), "a read lock on a read-only descriptor");
            }
            CliTest.Run strict = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", "strict"));
            assertEquals(3, strict.exit(), "the torn tail fails strict, as in a writable directory: " + strict.err());
            // A writer needs the exclusive lock, which a read-only descriptor cannot take.
            CliTest.Run repair = CliTest.run(args("recover", "--dir", log.dir.toString(), "--mode", "point-in-time", "--repair"));
            assertEquals(1, repair.exit(), repair.err());
            assertTrue(repair.err().contains("cannot lock WAL directory " + log.dir + ": " + WalDirectoryLock.file(log.dir)
                    + ": Operation not permitted"), repair.err());
        } finally {
            thaw(frozen);
        }
    }

    // ---------------------------------------------------------------------------------------

    /** The matrix's log with its newest segment zero-filled from inside record 10: a torn tail. */
    private static WalFixture damagedTail(Path dir) throws Exception {
        WalFixture log = FaultMatrix.generate(dir);
        log.zeroFrom(FaultMatrix.NEWEST, log.offset(FaultMatrix.NEWEST, FaultMatrix.MID) + SegmentLayout.RECORD_HEADER_SIZE);
        return log;
    }

    private static long recordsBeforeTheTear(WalFixture log) {
        return log.lsn(FaultMatrix.NEWEST, FaultMatrix.MID) - log.summary.firstLsn();
    }

    /** {@code chattr +i path}; remembers it in {@code frozen} to undo; false when not allowed. */
    private static boolean immutable(Path path, List<Path> frozen) throws Exception {
        if (chattr("+i", path)) {
            frozen.add(path);
            return true;
        }
        return false;
    }

    private static void thaw(List<Path> frozen) throws Exception {
        for (Path p : frozen) {
            assertTrue(chattr("-i", p), "chattr -i " + p); // or @TempDir cannot delete it
        }
    }

    private static boolean chattr(String flag, Path path) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (java.io.IOException noChattr) {
            return false;
        }
    }

    private static String[] args(String... args) {
        String[] all = new String[args.length + QUIET.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(QUIET, 0, all, args.length, QUIET.length);
        return all;
    }
}
