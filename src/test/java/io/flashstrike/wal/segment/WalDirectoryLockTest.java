package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directory lock within one process (other processes: {@code DirectoryLockProcessTest}): the
 * pid while a writer holds it, an empty file otherwise, and the JDK's refusal of a second lock on
 * the same file in the same JVM turned into the same one-line refusal.
 */
class WalDirectoryLockTest {
    private static final String PID = "pid " + ProcessHandle.current().pid();

    @Test
    void aWriterRecordsItsPidWhileItHoldsTheLockAndEmptiesTheFileOnRelease(@TempDir Path dir) throws Exception {
        Path file = WalDirectoryLock.file(dir);
        try (WalDirectoryLock lock = WalDirectoryLock.exclusive(dir)) {
            assertTrue(lock.held());
            assertEquals(PID + "\n", Files.readString(file));
        }
        assertEquals(0, Files.size(file), "no pid outlives its holder");
        try (WalDirectoryLock again = WalDirectoryLock.exclusive(dir)) {
            assertTrue(again.held(), "released: taken again at once");
        }
    }

    @Test
    void aSecondOpenerInTheSameProcessIsRefusedAtOnceWithTheDirectoryAndThePid(@TempDir Path dir) throws Exception {
        try (WalDirectoryLock held = WalDirectoryLock.exclusive(dir)) {
            for (boolean shared : new boolean[] {false, true}) {
                WalDirectoryLock.LockedException e = assertThrows(WalDirectoryLock.LockedException.class,
                        () -> (shared ? WalDirectoryLock.shared(dir) : WalDirectoryLock.exclusive(dir)).close());
                assertEquals("WAL directory " + dir + " is locked by this process (" + PID + ", " + dir.resolve("LOCK")
                        + ")", e.getMessage());
            }
        }
    }

    @Test
    void aReaderEmptiesThePidAKilledWriterLeftBehind(@TempDir Path dir) throws Exception {
        Files.writeString(WalDirectoryLock.file(dir), "pid 999999999\n"); // a writer killed with -9
        try (WalDirectoryLock lock = WalDirectoryLock.shared(dir)) {
            assertTrue(lock.held());
            assertEquals(0, Files.size(lock.file()), "no writer can hold it now: the pid is stale");
        }
    }

    @Test
    void theLockFileIsNeverASegment() {
        assertEquals(-1, SegmentFiles.parseId(Path.of(WalDirectoryLock.FILE_NAME)));
    }
}
