package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.RecoveryManagerTest.Collected;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.SegmentLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 15 of issue 7: {@code --repair} killed half-way, then run again, ends exactly as one
 * uninterrupted repair of the same damage (files, sizes, bytes, the {@code .broken} copy holding
 * the original bytes), and a third run changes nothing. The kill is an exception thrown between
 * the repairer's durable steps ({@link Repairer.Steps}): 1 = the {@code .broken} copy is in place,
 * 2 = the damaged segment is cut, 3 = later segments are moved aside.
 */
class RepairIdempotenceTest {
    private static final int SEGMENTS = 4;
    private static final int SEGMENT_SIZE = 32 << 10;
    private static final int PAYLOAD = 1000;
    private static final int K = 10;

    /**
     * The damage each mode can repair: a torn tail (tolerate-tail), a corrupt record of a sealed
     * segment (point-in-time, which cuts it), or a damaged header of a sealed segment (point-in-time,
     * which moves it aside whole; {@link RepairKillTest} only: the assertions here are about a cut).
     */
    enum Damage {
        TORN_TAIL(RecoveryMode.TOLERATE_TAIL, SEGMENTS - 1),
        CORRUPT_SEALED_SEGMENT(RecoveryMode.POINT_IN_TIME, 1),
        DAMAGED_SEALED_HEADER(RecoveryMode.POINT_IN_TIME, 1);

        final RecoveryMode mode;
        final int segment;

        Damage(RecoveryMode mode, int segment) {
            this.mode = mode;
            this.segment = segment;
        }

        void apply(WalFixture log) throws IOException {
            int r = log.offset(segment, K);
            if (this == TORN_TAIL) {
                log.zeroFrom(segment, r + 100);
            } else if (this == DAMAGED_SEALED_HEADER) {
                log.flip(segment, SegmentLayout.MAGIC_OFFSET, 0x80);
            } else {
                log.flip(segment, r + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
            }
        }
    }

    static Stream<Arguments> kills() {
        return Stream.of(Damage.TORN_TAIL, Damage.CORRUPT_SEALED_SEGMENT)
                .flatMap(d -> Stream.of(1, 2, 3).map(step -> Arguments.of(d, step)));
    }

    @ParameterizedTest(name = "{0}, killed after step {1}")
    @MethodSource("kills")
    void aKilledRepairRunAgainEndsAsOneCleanRepairAndAThirdRunChangesNothing(Damage damage, int killAfter,
                                                                            @TempDir Path tmp) throws Exception {
        // The reference: the same damage, repaired in one go.
        WalFixture reference = damaged(tmp.resolve("reference"), damage);
        RecoveryResult once = recover(reference, damage.mode, Repairer.Steps.NONE);
        assertEquals(0, once.exitCode(), once::toString);
        assertNotNull(once.repair(), once::toString);
        Map<String, byte[]> repaired = snapshot(reference.dir);

        WalFixture log = damaged(tmp.resolve("wal"), damage);
        Map<String, byte[]> original = snapshot(log.dir);
        String name = log.path(damage.segment).getFileName().toString();
        int validEnd = log.offset(damage.segment, K);
        long firstLost = log.lsn(damage.segment, K);

        // Killed after step killAfter: the run fails as an I/O error and says where recovery had stopped.
        RecoveryResult killed = recover(log, damage.mode, step -> {
            if (step == killAfter) {
                throw new IOException("killed after step " + step);
            }
        });
        assertEquals(Status.IO_ERROR, killed.status(), killed::toString);
        assertEquals(1, killed.exitCode());
        assertTrue(killed.error().contains("repair of " + log.path(damage.segment) + " failed: java.io.IOException: killed after step "
                + killAfter), killed.error());
        assertTrue(killed.error().contains("segment " + log.id(damage.segment) + " (" + name + ") offset " + validEnd
                + ", LSN " + firstLost), "the stop location survives the failed repair: " + killed.error());
        Map<String, byte[]> afterKill = snapshot(log.dir);
        assertArrayEquals(original.get(name), afterKill.get(name + ".broken"), "step 1 leaves the complete copy");
        assertFalse(afterKill.containsKey(name + ".broken.tmp"));
        assertArrayEquals(killAfter == 1 ? original.get(name) : cleanEnd(original.get(name), validEnd), afterKill.get(name),
                "step 2 cuts the damaged segment and zero-fills it to its size");
        boolean laterMoved = damage.mode == RecoveryMode.POINT_IN_TIME && killAfter == 3;
        for (int i = damage.segment + 1; i < SEGMENTS; i++) {
            String later = log.path(i).getFileName().toString();
            assertEquals(!laterMoved, afterKill.containsKey(later), later);
        }

        // Run again: the same end state as the uninterrupted repair, byte for byte.
        Collected c = new Collected();
        RecoveryResult again = new RecoveryManager(new WalRecoveryMetrics(), damage.mode, true, 2).recover(log.dir, c);
        assertEquals(0, again.exitCode(), again::toString);
        c.assertPrefix(log.summary.firstLsn(), firstLost - log.summary.firstLsn());
        assertSameFiles(repaired, snapshot(log.dir));
        assertArrayEquals(original.get(name), snapshot(log.dir).get(name + ".broken"), ".broken holds the original bytes");

        // And once more: nothing left to repair.
        RecoveryResult third = new RecoveryManager(new WalRecoveryMetrics(), damage.mode, true, 2).recover(log.dir, new Collected());
        assertEquals(0, third.exitCode(), third::toString);
        assertNull(third.repair(), third::toString);
        assertSameFiles(repaired, snapshot(log.dir));
    }

    @Test
    void aCopyLeftHalfWrittenByAKillInsideStep1IsReplaced(@TempDir Path tmp) throws Exception {
        Damage damage = Damage.TORN_TAIL;
        WalFixture log = damaged(tmp.resolve("wal"), damage);
        Path damagedFile = log.path(damage.segment);
        byte[] original = Files.readAllBytes(damagedFile);
        Path tmpCopy = damagedFile.resolveSibling(damagedFile.getFileName() + ".broken.tmp");
        Files.write(tmpCopy, Arrays.copyOf(original, 1000)); // the copy the kill interrupted
        RecoveryResult r = recover(log, damage.mode, Repairer.Steps.NONE);
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(Files.exists(tmpCopy));
        assertArrayEquals(original, Files.readAllBytes(damagedFile.resolveSibling(damagedFile.getFileName() + ".broken")));
        assertArrayEquals(cleanEnd(original, log.offset(damage.segment, K)), Files.readAllBytes(damagedFile));
    }

    /** @return {@code segment} as a repair leaves it: its first {@code validEnd} bytes, then zeros to its size */
    static byte[] cleanEnd(byte[] segment, int validEnd) {
        return Arrays.copyOf(Arrays.copyOf(segment, validEnd), segment.length);
    }

    @Test
    void strictRefusesToRepair() {
        assertTrue(assertThrowsIllegalArgument(() -> new RecoveryManager(new WalRecoveryMetrics(), RecoveryMode.STRICT, true, 2))
                .contains("strict tolerates nothing"));
    }

    // ---------------------------------------------------------------------------------------

    static WalFixture damaged(Path dir, Damage damage) throws IOException {
        WalFixture log = WalFixture.generate(dir, SEGMENTS, SEGMENT_SIZE, PAYLOAD, 0);
        damage.apply(log);
        return log;
    }

    private static RecoveryResult recover(WalFixture log, RecoveryMode mode, Repairer.Steps steps) throws Exception {
        return new RecoveryManager(new WalRecoveryMetrics(), mode, true, 2, steps).recover(log.dir, new Collected());
    }

    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "file names");
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
        }
    }

    private static String assertThrowsIllegalArgument(Runnable r) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
