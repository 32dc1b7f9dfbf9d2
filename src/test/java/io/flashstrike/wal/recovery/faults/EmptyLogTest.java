package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.recovery.telemetry.Anomaly;
import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryMode;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.faults.Recoveries.Delivered;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27, item 3: a directory without segments is a decision. Strict and tolerate-tail fail
 * ({@code EMPTY_LOG}, exit 3), point-in-time says it delivered nothing, unless the caller allows
 * an empty log ({@code --allow-empty}, a first start). Our own files and unknown ones do not make
 * a log.
 */
class EmptyLogTest {
    private static final String[] QUIET = {"--no-jfr", "--dump-interval", "0", "--metrics-port", "-1"};

    @ParameterizedTest
    @EnumSource(RecoveryMode.class)
    void anEmptyDirectoryIsRefusedOrReportedUnlessAllowed(RecoveryMode mode, @TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("wal"));
        // What an earlier repair may leave, and a stray file: still no segment.
        Files.write(dir.resolve(SegmentFiles.fileName(0) + ".broken"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("README"), "not a segment");
        Map<String, byte[]> before = Recoveries.snapshot(dir);
        String what = "empty log: no segment file in " + dir;

        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        RecoveryResult r = new RecoveryManager(metrics, mode, false, 2).recover(dir, new Delivered(0, 0));
        assertEquals(0, r.records());
        assertEquals(RecoveryManager.EMPTY_LOG, r.reason(), r.toString());
        if (mode == RecoveryMode.POINT_IN_TIME) {
            assertEquals(Status.OK, r.status());
            assertEquals(0, r.exitCode());
            assertTrue(r.warning().startsWith("warning: point-in-time: " + what + "; nothing delivered"), r.warning());
            assertEquals(Map.of(new Anomaly("EMPTY_LOG", "stopped"), 1L), metrics.manager().anomalies());
        } else {
            assertEquals(Status.NOT_FOUND, r.status());
            assertEquals(3, r.exitCode());
            assertTrue(r.error().startsWith(what + " (an unmounted volume, a mistyped --dir?); pass --allow-empty"),
                    r.error());
            assertEquals(Map.of(new Anomaly("EMPTY_LOG", "failed"), 1L), metrics.manager().anomalies());
        }

        WalRecoveryMetrics allowedMetrics = new WalRecoveryMetrics();
        RecoveryResult allowed = new RecoveryManager(allowedMetrics, mode, false, 2).allowEmpty(true)
                .recover(dir, new Delivered(0, 0));
        assertEquals(Status.OK, allowed.status(), allowed.toString());
        assertNull(allowed.reason());
        assertEquals(what + " (allowed)", allowed.endOfLog());
        assertTrue(allowed.warning() == null || !allowed.warning().contains("empty log"), allowed.warning());
        assertEquals(Map.of(), allowedMetrics.manager().anomalies());

        if (mode != RecoveryMode.STRICT) {
            RecoveryResult repair = new RecoveryManager(new WalRecoveryMetrics(), mode, true, 2).recover(dir, new Delivered(0, 0));
            assertNull(repair.repair(), "nothing to repair in an empty log");
        }
        Recoveries.assertSameFiles(before, Recoveries.snapshot(dir), mode + ": an empty log is never changed");
    }

    @Test
    void theCliSaysItInOneLineWithItsExitCode(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("wal"));
        for (String mode : new String[] {"strict", "tolerate-tail"}) {
            CliTest.Run r = CliTest.run(args("recover", "--dir", dir.toString(), "--mode", mode));
            assertEquals(3, r.exit(), r.err());
            assertEquals("flashstrike-wal: recovery stopped: empty log: no segment file in " + dir
                    + " (an unmounted volume, a mistyped --dir?); pass --allow-empty when an empty log is expected,"
                    + " e.g. a first start", r.err().strip());
            CliTest.Run allowed = CliTest.run(args("recover", "--dir", dir.toString(), "--mode", mode, "--allow-empty"));
            assertEquals(0, allowed.exit(), allowed.err());
            assertEquals("", allowed.err().strip());
            assertTrue(allowed.out().contains("end of log      : empty log: no segment file in " + dir + " (allowed)"),
                    allowed.out());
        }
        CliTest.Run pit = CliTest.run(args("recover", "--dir", dir.toString(), "--mode", "point-in-time"));
        assertEquals(0, pit.exit(), pit.err());
        assertEquals("flashstrike-wal: warning: point-in-time: empty log: no segment file in " + dir
                + "; nothing delivered (--allow-empty when it is expected)", pit.err().strip());
    }

    private static String[] args(String... args) {
        String[] all = new String[args.length + QUIET.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(QUIET, 0, all, args.length, QUIET.length);
        return all;
    }
}
