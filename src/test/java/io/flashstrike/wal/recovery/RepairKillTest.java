package io.flashstrike.wal.recovery;

import io.flashstrike.wal.recovery.RecoveryManagerTest.Collected;
import io.flashstrike.wal.recovery.RepairIdempotenceTest.Damage;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27: {@code --repair} killed with SIGKILL in a real child JVM, at each durable step
 * (0 = the temporary copy written, not renamed; 1 = the {@code .broken} copy in place; 2 = the
 * segment cut, or for a damaged header 1 = 2 = the segment moved aside whole; 3 = later segments
 * moved aside). A re-run ends byte for byte as one uninterrupted
 * repair, delivers the same prefix, every payload byte intact, and a third run changes nothing.
 * ({@link RepairIdempotenceTest} interrupts the same steps with an exception, in process.)
 */
class RepairKillTest {
    static Stream<Arguments> kills() {
        // A segment moved aside whole is never copied: no step 0.
        return Stream.of(Damage.values()).flatMap(d -> (d == Damage.DAMAGED_SEALED_HEADER ? Stream.of(1, 2, 3)
                : Stream.of(0, 1, 2, 3)).map(step -> Arguments.of(d, step)));
    }

    @ParameterizedTest(name = "{0}, SIGKILL after step {1}")
    @MethodSource("kills")
    void aRepairKilledByTheKernelEndsAsOneRepairWhenRunAgain(Damage damage, int step, @TempDir Path tmp) throws Exception {
        WalFixture reference = RepairIdempotenceTest.damaged(tmp.resolve("reference"), damage);
        Collected once = new Collected();
        RecoveryResult repaired = new RecoveryManager(new WalRecoveryMetrics(), damage.mode, true, 2).recover(reference.dir, once);
        assertEquals(0, repaired.exitCode(), repaired::toString);
        Map<String, byte[]> expected = RepairIdempotenceTest.snapshot(reference.dir);

        WalFixture log = RepairIdempotenceTest.damaged(tmp.resolve("wal"), damage);
        byte[] original = Files.readAllBytes(log.path(damage.segment));
        Path out = tmp.resolve("child.txt");
        Process child = ChildJvm.startMain(List.of(), RepairChild.class.getName(), out, log.dir.toString(),
                damage.mode.cliName(), String.valueOf(step));
        try {
            ChildJvm.awaitOutput(out, "after step " + step, Duration.ofSeconds(60));
        } finally {
            Processes.destroy(child); // SIGKILL: no finally block, no shutdown hook runs in the child
        }
        assertTrue(!child.isAlive() && child.exitValue() != 0 && child.exitValue() != 2, "killed, not ended: "
                + Files.readString(out));

        Collected again = new Collected();
        RecoveryResult rerun = new RecoveryManager(new WalRecoveryMetrics(), damage.mode, true, 2).recover(log.dir, again);
        assertEquals(0, rerun.exitCode(), rerun::toString);
        assertEquals(once.lsns, again.lsns, "the same prefix");
        again.assertPrefix(log.summary.firstLsn(), once.lsns.size()); // every payload byte as generated
        assertEquals(repaired.lastValidLsn(), rerun.lastValidLsn());
        Map<String, byte[]> after = RepairIdempotenceTest.snapshot(log.dir);
        RepairIdempotenceTest.assertSameFiles(expected, after);
        String name = log.path(damage.segment).getFileName() + ".broken";
        assertArrayEquals(original, after.get(name), ".broken holds the original bytes");

        RecoveryResult third = new RecoveryManager(new WalRecoveryMetrics(), damage.mode, true, 2).recover(log.dir, new Collected());
        assertNull(third.repair(), third::toString);
        RepairIdempotenceTest.assertSameFiles(expected, RepairIdempotenceTest.snapshot(log.dir));
    }
}
