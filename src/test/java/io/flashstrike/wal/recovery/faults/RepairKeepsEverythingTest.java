package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.segment.SegmentLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27, item 4: nothing a repair keeps is ever overwritten. A {@code .broken} name that is
 * taken gets the next free {@code .broken.N}; repeated repairs of a log that grew again keep every
 * earlier copy; the temporary copy is its owner's to write, whatever the segment's mode; stale
 * temporaries of a killed repair go, kept copies stay.
 */
class RepairKeepsEverythingTest {
    private static final int S = FaultMatrix.SEALED;

    @Test
    void takenBrokenNamesAreNeverOverwrittenTheCopiesGetTheNextFreeName(@TempDir Path tmp) throws Exception {
        WalFixture log = damaged(tmp.resolve("wal"));
        Map<String, byte[]> original = Recoveries.snapshot(log.dir);
        String seg = name(log, S);
        String next = name(log, S + 1);
        byte[] earlierSeg = "kept by an earlier repair".getBytes(StandardCharsets.US_ASCII);
        byte[] earlierNext = "also kept earlier".getBytes(StandardCharsets.US_ASCII);
        Files.write(log.dir.resolve(seg + ".broken"), earlierSeg);
        Files.write(log.dir.resolve(next + ".broken"), earlierNext);
        Files.write(log.dir.resolve(next + ".broken.1"), earlierNext);

        RecoveryResult r = repair(log, tmp);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.repair().contains("copied " + seg + " to " + seg + ".broken.1 and truncated it"), r.repair());
        assertTrue(r.repair().contains("moved 3 later segment(s) aside as *.broken (" + next + ".broken.2, "
                + name(log, S + 2) + ".broken, " + name(log, S + 3) + ".broken)"), r.repair());
        Map<String, byte[]> after = Recoveries.snapshot(log.dir);
        assertArrayEquals(earlierSeg, after.get(seg + ".broken"), "an earlier copy is never overwritten");
        assertArrayEquals(earlierNext, after.get(next + ".broken"));
        assertArrayEquals(earlierNext, after.get(next + ".broken.1"));
        assertArrayEquals(original.get(seg), after.get(seg + ".broken.1"));
        assertArrayEquals(original.get(next), after.get(next + ".broken.2"));
        assertNoTemporaries(log.dir);

        RecoveryResult again = repair(log, tmp);
        assertNull(again.repair(), again.toString());
        Recoveries.assertSameFiles(after, Recoveries.snapshot(log.dir), "a second repair");
    }

    /** The case: after a repair the log grows again, is damaged again, and is repaired again. */
    @Test
    void aSecondRepairAfterTheLogGrewKeepsTheFirstRepairsCopies(@TempDir Path tmp) throws Exception {
        WalFixture log = damaged(tmp.resolve("wal"));
        Map<String, byte[]> original = Recoveries.snapshot(log.dir);
        assertEquals(0, repair(log, tmp).exitCode());
        Map<String, byte[]> firstRepair = Recoveries.snapshot(log.dir);
        String later = name(log, S + 1);
        // A segment S+1 appears again: here the original one, which no longer chains onto the cut segment.
        Files.write(log.path(S + 1), original.get(later));

        RecoveryResult second = repair(log, tmp);
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.repair() != null, second.toString());
        Map<String, byte[]> after = Recoveries.snapshot(log.dir);
        for (Map.Entry<String, byte[]> kept : firstRepair.entrySet()) {
            if (kept.getKey().contains(".broken")) {
                assertArrayEquals(kept.getValue(), after.get(kept.getKey()), kept.getKey() + " survives the second repair");
            }
        }
        assertFalse(after.containsKey(later));
        assertArrayEquals(original.get(later), after.get(later + ".broken.1"), "the reappeared segment is kept too");
        assertNoTemporaries(log.dir);
    }

    @Test
    void theCopyOfAReadOnlySegmentIsItsOwnersToWriteAndStaleTemporariesGo(@TempDir Path tmp) throws Exception {
        WalFixture log = damaged(tmp.resolve("wal"));
        Path seg = log.path(S);
        byte[] original = Files.readAllBytes(seg);
        Files.setPosixFilePermissions(seg, PosixFilePermissions.fromString("r--r--r--"));
        Path staleOld = log.dir.resolve(seg.getFileName() + ".broken.tmp"); // the fixed name of earlier versions
        Path stale = log.dir.resolve(seg.getFileName() + ".broken.123456.tmp");
        Files.write(staleOld, new byte[] {1});
        Files.write(stale, new byte[] {2});

        RecoveryResult r = repair(log, tmp);
        assertEquals(0, r.exitCode(), r.toString());
        Path broken = log.dir.resolve(seg.getFileName() + ".broken");
        assertArrayEquals(original, Files.readAllBytes(broken));
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(broken);
        assertTrue(mode.contains(PosixFilePermission.OWNER_WRITE) && mode.contains(PosixFilePermission.OWNER_READ),
                "not the segment's r--r--r--: " + PosixFilePermissions.toString(mode));
        assertNoTemporaries(log.dir);
    }

    // ---------------------------------------------------------------------------------------

    /** The matrix's log, a payload bit flipped in record 10 of sealed segment 2: point-in-time cuts it and moves 3 aside. */
    private static WalFixture damaged(Path dir) throws Exception {
        WalFixture log = FaultMatrix.generate(dir);
        log.flip(S, log.offset(S, FaultMatrix.MID) + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
        return log;
    }

    private static RecoveryResult repair(WalFixture log, Path tmp) throws Exception {
        return Recoveries.run(log.dir, RecoveryMode.POINT_IN_TIME, true, false, tmp, FaultMatrix.SEED, FaultMatrix.PAYLOAD)
                .result();
    }

    private static String name(WalFixture log, int index) {
        return log.path(index).getFileName().toString();
    }

    private static void assertNoTemporaries(Path dir) throws Exception {
        try (var entries = Files.list(dir)) {
            assertEquals(java.util.List.of(), entries.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }
    }
}
