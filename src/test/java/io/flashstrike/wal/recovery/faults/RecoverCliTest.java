package io.flashstrike.wal.recovery.faults;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.recovery.WalFixture;
import io.flashstrike.wal.segment.SegmentLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code recover --mode} and {@code --repair} as an operator types them: exit codes, stderr lines, the summary, the files. */
class RecoverCliTest {
    private static final String[] QUIET = {"--no-jfr", "--dump-interval", "0", "--metrics-port", "-1"};

    @Test
    void helpDocumentsTheModesRepairAndTheExitCodes() {
        String help = CliTest.run("recover", "--help").out();
        for (String s : new String[] {"--mode", "strict", "tolerate-tail", "point-in-time", "--repair", ".broken",
                "docs/RECOVERY.md", "Exit codes:", "corruption found", "then a warning line", "missing directory"}) {
            assertTrue(help.contains(s), s + " in:\n" + help);
        }
    }

    @Test
    void repairWithStrictAndAnUnknownModeAreUsageErrors(@TempDir Path tmp) {
        CliTest.Run strict = CliTest.run("recover", "--dir", tmp.toString(), "--mode", "strict", "--repair");
        assertEquals(2, strict.exit());
        assertTrue(strict.err().contains("--repair needs --mode tolerate-tail or point-in-time"), strict.err());
        CliTest.Run bogus = CliTest.run("recover", "--dir", tmp.toString(), "--mode", "lenient");
        assertEquals(2, bogus.exit());
        assertTrue(bogus.err().contains("unknown recovery mode 'lenient'"), bogus.err());
    }

    @Test
    void aCorruptSealedSegmentInEachModeThenRepairedThenRecoveredAgain(@TempDir Path tmp) throws Exception {
        WalFixture log = FaultMatrix.generate(tmp.resolve("wal"));
        int s = FaultMatrix.SEALED;
        int offset = log.offset(s, FaultMatrix.MID);
        long lsn = log.lsn(s, FaultMatrix.MID);
        log.flip(s, offset + SegmentLayout.RECORD_PAYLOAD_OFFSET + 100, 0x80);
        Map<String, byte[]> damaged = Recoveries.snapshot(log.dir);
        Path file = log.path(s);
        String where = file + ": segment " + s + " (" + file.getFileName() + ") offset " + offset + ", LSN " + lsn
                + ": RECORD_CRC";

        CliTest.Run tolerate = recover(log, "--mode", "tolerate-tail");
        assertEquals(3, tolerate.exit(), tolerate.err());
        assertTrue(firstLine(tolerate.err()).startsWith("flashstrike-wal: recovery stopped: " + where), tolerate.err());
        assertEquals(1, tolerate.err().strip().lines().count(), tolerate.err());
        assertTrue(tolerate.out().contains("status          : CHECKSUM_MISMATCH (mode tolerate-tail)"), tolerate.out());
        assertTrue(tolerate.out().contains("stopped at      : RECORD_CRC in segment 2, offset " + offset + ", LSN " + lsn),
                tolerate.out());

        CliTest.Run pit = recover(log, "--mode", "point-in-time");
        assertEquals(0, pit.exit(), pit.err());
        assertTrue(firstLine(pit.err()).startsWith("flashstrike-wal: warning: point-in-time: stopped at " + where),
                pit.err());
        assertTrue(pit.err().contains("delivered up to LSN " + (lsn - 1)), pit.err());
        assertTrue(pit.out().contains("status          : OK (mode point-in-time)"), pit.out());
        assertTrue(pit.out().contains("records         : " + (lsn - 1)), pit.out());
        assertTrue(pit.out().contains("Anomalies       : {RECORD_CRC stopped=1}"), pit.out());
        Recoveries.assertSameFiles(damaged, Recoveries.snapshot(log.dir), "recover without --repair");

        CliTest.Run repair = recover(log, "--mode", "point-in-time", "--repair");
        assertEquals(0, repair.exit(), repair.err());
        assertTrue(repair.err().contains("flashstrike-wal: repaired: copied " + file.getFileName() + " to "
                + file.getFileName() + ".broken and truncated it from " + FaultMatrix.SEGMENT_SIZE + " to " + offset
                + " bytes, zero-filled to its declared " + FaultMatrix.SEGMENT_SIZE + " bytes: a clean end; moved 3 later"
                + " segment(s) aside as *.broken (fsynced)"), repair.err());
        assertEquals(FaultMatrix.SEGMENT_SIZE, Files.size(file));
        assertTrue(Arrays.equals(damaged.get(file.getFileName().toString()), 0, offset, Files.readAllBytes(file), 0, offset));
        assertTrue(Files.exists(file.resolveSibling(file.getFileName() + ".broken")));
        for (int i = s + 1; i < FaultMatrix.SEGMENTS; i++) {
            assertFalse(Files.exists(log.path(i)), log.path(i).toString());
            assertTrue(Files.exists(log.path(i).resolveSibling(log.path(i).getFileName() + ".broken")));
        }

        // The repaired log ends at the cut, a clean end in every mode, strict included: no line at all.
        for (String mode : new String[] {"strict", "tolerate-tail", "point-in-time"}) {
            CliTest.Run after = recover(log, "--mode", mode);
            assertEquals(0, after.exit(), mode + ": " + after.err());
            assertEquals("", after.err().strip(), mode);
            assertTrue(after.out().contains("records         : " + (lsn - 1)), after.out());
            assertTrue(after.out().contains("last valid LSN  : " + (lsn - 1)), after.out());
            assertTrue(after.out().contains("Anomalies       : none"), after.out());
        }
    }

    private static CliTest.Run recover(WalFixture log, String... args) {
        String[] all = new String[3 + QUIET.length + args.length];
        all[0] = "recover";
        all[1] = "--dir";
        all[2] = log.dir.toString();
        System.arraycopy(QUIET, 0, all, 3, QUIET.length);
        System.arraycopy(args, 0, all, 3 + QUIET.length, args.length);
        return CliTest.run(all);
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }
}
