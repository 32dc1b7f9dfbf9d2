package io.flashstrike.wal.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flashstrike.wal.report.RuleRecordings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code flashstrike-wal report} through the CLI: formats, rules, exit codes, on real recordings. */
class ReportCommandTest {
    @TempDir
    static Path dir;
    static Path mixed;
    static Path healthy;

    @BeforeAll
    static void record() throws Exception {
        mixed = RuleRecordings.mixed(dir.resolve("mixed.jfr"));
        healthy = RuleRecordings.healthy(dir.resolve("healthy.jfr"));
    }

    @Test
    void everyFormatFromTheCommand() throws Exception {
        CliTest.Run text = CliTest.run("report", mixed.toString(), "--rules", "wal");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("Report of " + mixed + " (JMC core parser)"), text.out());
        assertTrue(text.out().contains("flashstrike.wal.PreloadSegment                     24        7"), text.out());
        assertTrue(text.out().contains("WARNING"), text.out());

        CliTest.Run json = CliTest.run("report", mixed.toString(), "--format", "json", "--top", "2", "--rules", "none");
        assertEquals(0, json.exit(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonElement e : o.getAsJsonArray("eventTypes")) {
            counts.put(e.getAsJsonObject().get("type").getAsString(), e.getAsJsonObject().get("count").getAsLong());
            if (e.getAsJsonObject().has("slowest")) {
                assertEquals(2, e.getAsJsonObject().getAsJsonArray("slowest").size());
            }
        }
        // The periodic statistics event's count depends on the recording's length and the live blocks.
        counts.remove("flashstrike.wal.SegmentPreloaderStatistics");
        assertEquals(Map.of("flashstrike.wal.Recovery", 1L, "flashstrike.wal.PreloadSegment", 24L, "flashstrike.wal.WaitForSegment", 24L,
                "flashstrike.wal.ReadSegment", 24L, "flashstrike.wal.FinishSegment", 12L), counts);
        assertEquals(0, o.getAsJsonArray("rules").size(), "--rules none");

        CliTest.Run csv = CliTest.run("report", mixed.toString(), "--format", "CSV");
        assertEquals(0, csv.exit(), csv.err());
        assertTrue(csv.out().contains("\r\nflashstrike.wal.PreloadSegment,24,7,CHECKSUM_MISMATCH=6;IO_ERROR=1,"), csv.out());

        Path html = dir.resolve("mixed.html");
        CliTest.Run h = CliTest.run("report", mixed.toString(), "--html", html.toString(), "--rules", "wal");
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("HTML report: " + html.toAbsolutePath()), h.out());
        assertTrue(Files.readString(html).contains("<svg class=\"chart\""));
    }

    @Test
    void theJdkRulesRunNextToOursWithScores(@TempDir Path tmp) throws Exception {
        Path file = RuleRecordings.stalledWithJdkDefault(tmp.resolve("with-jdk.jfr"));
        CliTest.Run json = CliTest.run("report", file.toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        JsonObject ours = null;
        int jdkResults = 0;
        for (JsonElement e : o.getAsJsonArray("rules")) {
            JsonObject r = e.getAsJsonObject();
            if (r.get("id").getAsString().equals("FlashstrikeWalRecovery")) {
                ours = r;
            } else {
                assertFalse(r.get("ours").getAsBoolean());
                jdkResults++;
            }
        }
        assertTrue(ours != null && ours.get("severity").getAsString().equals("WARNING"), String.valueOf(ours));
        assertTrue(ours.get("score").getAsDouble() >= 75);
        assertTrue(jdkResults >= 5, "JDK rules with a result on a default-profile recording: " + jdkResults);
        assertTrue(o.get("rulesNotApplicable").getAsInt() > 0);

        CliTest.Run text = CliTest.run("report", file.toString(), "--top", "0");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().matches("(?s).*\\n    WARNING +\\d+\\.\\d  Flashstrike WAL recovery: The preloader fell behind replay.*"), text.out());
        assertTrue(text.out().contains("rules not applicable"), text.out());
    }

    @Test
    void aRecordingWithoutOurEventsSaysSoPlainly(@TempDir Path tmp) throws Exception {
        Path file = RuleRecordings.withoutWalEvents(tmp.resolve("other.jfr"));
        CliTest.Run text = CliTest.run("report", file.toString(), "--rules", "wal");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("no flashstrike.wal.* events in this recording ("), text.out());
        assertTrue(text.out().contains("record with jfc/flashstrike-wal.jfc"), text.out());
        assertTrue(text.out().contains("1 rule not applicable, the events it needs"), "our rule needs our events: " + text.out());
        CliTest.Run json = CliTest.run("report", file.toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        assertFalse(o.get("walEvents").getAsBoolean());
        assertEquals(0, o.getAsJsonArray("eventTypes").size());
        assertTrue(o.get("note").getAsString().startsWith("no flashstrike.wal.* events"));
    }

    @Test
    void badInputExits2WithOneLine(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(healthy);
        byte[] future = good.clone();
        ByteBuffer.wrap(future).putShort(4, (short) 9);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("empty.jfr", new byte[0]);
        bad.put("text.jfr", "not a recording\n".getBytes(StandardCharsets.UTF_8));
        bad.put("truncated.jfr", Arrays.copyOf(good, good.length * 2 / 3));
        bad.put("future.jfr", future);
        Map<String, String> reason = Map.of("empty.jfr", "empty file", "text.jfr", "not a JFR recording",
                "truncated.jfr", "truncated JFR recording", "future.jfr", "JFR format 9.");
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            Path f = Files.write(tmp.resolve(e.getKey()), e.getValue());
            for (String format : new String[] {"text", "json", "csv"}) {
                CliTest.Run r = CliTest.run("report", f.toString(), "--format", format, "--html", tmp.resolve("x.html").toString());
                assertEquals(2, r.exit(), e.getKey() + ": " + r.out() + r.err());
                assertEquals("", r.out(), "nothing on stdout for " + e.getKey());
                String line = "flashstrike-wal report: " + f + ": ";
                assertTrue(r.err().startsWith(line) && r.err().contains(reason.get(e.getKey())), r.err());
                assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            }
        }
        assertFalse(Files.exists(tmp.resolve("x.html")), "no HTML for a bad recording");
        CliTest.Run missing = CliTest.run("report", tmp.resolve("missing.jfr").toString());
        assertEquals(2, missing.exit());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }

    @Test
    void usageErrorsExit2AndHelpListsTheExitCodes() {
        assertEquals(2, CliTest.run("report").exit());
        assertEquals(2, CliTest.run("report", healthy.toString(), "--format", "xml").exit());
        assertEquals(2, CliTest.run("report", healthy.toString(), "--rules", "some").exit());
        assertEquals(2, CliTest.run("report", healthy.toString(), "--top", "-1").exit());
        CliTest.Run helpRun = CliTest.run("report", "--help");
        assertEquals(0, helpRun.exit(), helpRun.err());
        String help = helpRun.out();
        assertTrue(help.contains("Exit codes:") && help.contains("not a readable recording"), help);
        assertTrue(CliTest.run("--help").out().contains("report"));
    }

    @Test
    void anUnwritableHtmlFileIsAFailure() {
        CliTest.Run r = CliTest.run("report", healthy.toString(), "--rules", "none", "--html", dir.resolve("no/such/dir/x.html").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("flashstrike-wal report: cannot write "), r.err());
    }

    @Test
    void recoverThenReportARealRun(@TempDir Path tmp) throws Exception {
        Path wal = tmp.resolve("wal");
        assertEquals(0, CliTest.run("generate", "--dir", wal.toString(), "--segments", "5", "--segment-size", "256KiB").exit());
        Path jfr = tmp.resolve("real.jfr");
        CliTest.Run rec = CliTest.run("recover", "--dir", wal.toString(), "--jfr", jfr.toString(), "--dump-interval", "0");
        assertEquals(0, rec.exit(), rec.err());
        assertTrue(rec.out().contains("Report of " + jfr), rec.out());
        assertTrue(rec.out().contains("Flashstrike WAL recovery: "), "recover prints our rule's verdict: " + rec.out());

        CliTest.Run json = CliTest.run("report", jfr.toString(), "--format", "json", "--rules", "wal");
        assertEquals(0, json.exit(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        Map<String, JsonObject> types = new LinkedHashMap<>();
        o.getAsJsonArray("eventTypes").forEach(e -> types.put(e.getAsJsonObject().get("type").getAsString(), e.getAsJsonObject()));
        for (String t : new String[] {"PreloadSegment", "ReadSegment", "WaitForSegment", "FinishSegment"}) {
            assertEquals(5, types.get("flashstrike.wal." + t).get("count").getAsLong(), t);
            assertEquals(0, types.get("flashstrike.wal." + t).get("failures").getAsLong(), t);
        }
        assertEquals(5L * 256 * 1024, types.get("flashstrike.wal.PreloadSegment").get("bytes").getAsLong());
        assertEquals(1, types.get("flashstrike.wal.Recovery").get("count").getAsLong());
        assertEquals(5, o.getAsJsonObject("replayWait").get("waits").getAsLong());
        assertEquals("FlashstrikeWalRecovery", o.getAsJsonArray("rules").get(0).getAsJsonObject().get("id").getAsString());
    }
}
