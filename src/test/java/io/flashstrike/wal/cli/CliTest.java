package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI through {@link CommandLine#execute}, on real directories, with its output captured. */
public class CliTest {
    public record Run(int exit, String out, String err) {
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FlashstrikeWal.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void generateThenRecoverWithJfrDumpSummaryAndReport(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        Run g = run("generate", "--dir", wal.toString(), "--segments", "3", "--segment-size", "64KiB", "--record-size", "100");
        assertEquals(0, g.exit(), g.err());
        assertTrue(g.out().contains("generated 3 segments"), g.out());
        assertTrue(g.err().contains("100%"), "progress: " + g.err());

        Path jfr = tmp.resolve("r.jfr");
        Run r = run("recover", "--dir", wal.toString(), "--jfr", jfr.toString(), "--dump-interval", "0",
                "--metrics-port", "0");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("[wal_recovery Segment Preloader Metrics] Snapshot:"), r.out());
        assertTrue(r.out().contains(" Preload segment: "), r.out());
        assertTrue(r.out().contains("Recovery summary"), r.out());
        assertTrue(r.out().contains("segments        : 3 replayed of 3"), r.out());
        assertTrue(r.out().contains("Report of " + jfr), r.out());
        assertTrue(r.out().contains("JFR recording: " + jfr.toAbsolutePath()), r.out());
        long preloads = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME)).count();
        assertEquals(3, preloads);
    }

    @Test
    void corruptionExitsWith3AndNamesTheFault(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "3", "--segment-size", "64KiB").exit());
        Path middle = wal.resolve("00000000000000000001.wal");
        try (FileChannel ch = FileChannel.open(middle, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x42}), 1000);
        }
        Run r = run("recover", "--dir", wal.toString(), "--no-jfr", "--dump-interval", "0", "--metrics-port", "-1");
        assertEquals(3, r.exit(), r.out());
        assertTrue(r.err().contains("recovery stopped: " + middle), r.err());
        assertTrue(r.out().contains("status          : CHECKSUM_MISMATCH"), r.out());
    }

    @Test
    void usageErrorsExitWith2(@TempDir Path tmp) {
        Run noDir = run("recover");
        assertEquals(2, noDir.exit());
        assertTrue(noDir.err().contains("--dir"), noDir.err());
        Run badSize = run("generate", "--dir", tmp.toString(), "--segment-size", "12XB");
        assertEquals(2, badSize.exit());
        assertTrue(badSize.err().contains("12XB"), badSize.err());
        assertEquals(2, run("recover", "--dir", tmp.toString(), "--lookahead", "0").exit());
        assertEquals(2, run("frobnicate").exit());
        assertTrue(run("recover", "--help").out().contains("corruption found"));
    }

    @Test
    void aPortInUseIsAOneLineErrorAndExit1(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        assertEquals(0, run("generate", "--dir", wal.toString(), "--segments", "1", "--segment-size", "64KiB").exit());
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run r = run("recover", "--dir", wal.toString(), "--no-jfr", "--metrics-port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertTrue(!r.out().contains("Recovery summary"), "nothing ran: " + r.out());
        }
    }

    @Test
    void aMissingDirectoryIsAFailureNotCorruption(@TempDir Path tmp) {
        Run r = run("recover", "--dir", tmp.resolve("nope").toString(), "--no-jfr", "--dump-interval", "0",
                "--metrics-port", "-1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("does not exist"), r.err());
    }

    @Test
    void demoRunsEndToEndAndSaysWhereTheRecordingIs(@TempDir Path tmp) throws Exception {
        Path jfr = tmp.resolve("demo.jfr");
        Run d = run("demo", "--segments", "4", "--segment-size", "256KiB", "--jfr", jfr.toString(), "--metrics-port", "0");
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(d.out().contains("JFR recording: " + jfr.toAbsolutePath()), d.out());
        assertTrue(d.out().contains("end of log      : clean"), d.out());
        assertTrue(d.out().contains("metrics: http://127.0.0.1:"), d.out());
        assertTrue(d.out().contains("JFR event stream: ") && d.out().contains("matches the in-memory metrics"), d.out());
        assertTrue(Files.size(jfr) > 0);
    }
}
