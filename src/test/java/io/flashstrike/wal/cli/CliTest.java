package io.flashstrike.wal.cli;

import jdk.jfr.consumer.RecordedEvent;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        long records = Long.parseLong(find(g.out(), "generated 3 segments, (\\d+) records"));
        assertEquals(String.valueOf(records), find(r.out(), "records         : (\\d+)"));
        assertFiguresAgree(r.out(), jfr, 3, records);
        assertTrue(r.out().contains("JFR recording, folded after the run: "), "no live stream unless asked: " + r.out());

        Path live = tmp.resolve("live.jfr");
        Run l = run("recover", "--dir", wal.toString(), "--jfr", live.toString(), "--dump-interval", "0",
                "--metrics-port", "-1", "--live-stream");
        assertEquals(0, l.exit(), l.out() + l.err());
        assertTrue(l.out().matches("(?s).*JFR event stream: (\\d+) of \\1 events folded, matches the in-memory metrics in every family.*"
                + "lag event end -> /metrics: p50 .*"), l.out());
        Run both = run("recover", "--dir", wal.toString(), "--no-jfr", "--live-stream");
        assertEquals(2, both.exit(), both.err());
        assertTrue(both.err().startsWith("flashstrike-wal recover: --live-stream follows the JFR events: it cannot go with --no-jfr"), both.err());
    }

    /**
     * Checks the figures themselves rather than the CLI's own "matches" line: the final dump's
     * count, failures and total time of every operation equal what the JFR recording holds (the
     * events the in-process stream folds), the counts are what a clean run of {@code segments}
     * segments must give, and the stream says it folded every one of those events.
     */
    static void assertFiguresAgree(String out, Path jfr, int segments, long records) throws Exception {
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        String[][] ops = {{"Preload segment", "PreloadSegment"}, {"Finish segment ", "FinishSegment"},
                {"Wait for segment", "WaitForSegment"}, {"Read segment    ", "ReadSegment"}, {"Recover         ", "Recovery"}};
        long total = 0;
        for (String[] op : ops) {
            Matcher m = lastMatch(out, " " + Pattern.quote(op[0]) + ": ([0-9.]+) ms \\| count (\\d+) \\| failures (\\d+)");
            List<RecordedEvent> ofType = events.stream().filter(e -> e.getEventType().getName().equals("flashstrike.wal." + op[1])).toList();
            long count = Long.parseLong(m.group(2));
            assertEquals(ofType.size(), count, op[1] + " events vs dump count");
            assertEquals(ofType.stream().filter(e -> e.hasField("status") && !"OK".equals(e.getString("status"))).count(), Long.parseLong(m.group(3)),
                    op[1] + " failures");
            double eventMs = ofType.stream().mapToLong(e -> e.getDuration().toNanos()).sum() / 1e6;
            assertEquals(Double.parseDouble(m.group(1)), eventMs, 0.0015 + eventMs * 1e-6, op[1] + " total ms");
            assertEquals(op[1].equals("Recovery") ? 1 : segments, count, op[1] + " count of a clean run");
            total += count;
        }
        assertEquals(records, events.stream().filter(e -> e.getEventType().getName().equals("flashstrike.wal.ReadSegment"))
                .mapToLong(e -> e.getLong("records")).sum(), "records in the ReadSegment events");
        assertTrue(out.contains(": " + total + " of " + total + " events folded, matches"), out);
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " not in:\n" + text);
        return m.group(1);
    }

    private static Matcher lastMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int last = -1;
        while (m.find()) {
            last = m.start();
        }
        assertTrue(last >= 0, regex + " not in:\n" + text);
        m.find(last);
        return m;
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
    void demoBindsItsPortBeforeGeneratingTheWal() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run r = run("demo", "--segments", "1", "--segment-size", "64KiB", "--no-jfr", "--metrics-port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertTrue(!r.out().contains("demo: generating") && !r.err().contains("generate"), "nothing generated: " + r.out() + r.err());
        }
    }

    @Test
    void aMissingDirectoryIsAFailureNotCorruption(@TempDir Path tmp) {
        Run r = run("recover", "--dir", tmp.resolve("nope").toString(), "--no-jfr", "--dump-interval", "0",
                "--metrics-port", "-1");
        assertEquals(1, r.exit());
        assertEquals("flashstrike-wal: --dir " + tmp.resolve("nope") + ": no such directory", r.err().strip());
    }

    @Test
    void demoRunsEndToEndAndSaysWhereTheRecordingIs(@TempDir Path tmp) throws Exception {
        Path jfr = tmp.resolve("demo.jfr");
        // the final dump holds the figures checked below; by default the demo prints none (QuietOutputTest)
        Run d = run("demo", "--segments", "4", "--segment-size", "256KiB", "--jfr", jfr.toString(), "--metrics-port", "0",
                "--dump-interval", "0");
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(d.out().contains("JFR recording: " + jfr.toAbsolutePath()), d.out());
        assertTrue(d.out().contains("end of log      : clean"), d.out());
        assertTrue(d.out().contains("metrics: http://127.0.0.1:"), d.out());
        long records = Long.parseLong(find(d.out(), "demo: (\\d+) records written"));
        assertFiguresAgree(d.out(), jfr, 4, records);
    }
}
