package io.flashstrike.wal.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report in every format, on a recording of known content made with the updaters: counts,
 * failures and bytes exactly as recorded; durations exactly as the JDK's own {@code jfr print
 * --json} reads them from the same file (min, max, total; the mean to its printed precision),
 * percentiles within bucket precision of the exact nearest-rank value.
 */
class ReportFiguresTest {
    private static final List<String> TYPES = List.of(RecoveryEvent.NAME, PreloadSegmentEvent.NAME,
            WaitForSegmentEvent.NAME, ReadSegmentEvent.NAME, FinishSegmentEvent.NAME);

    @TempDir
    static Path dir;
    static KnownRecording known;
    static RecordingReport report;
    static Map<String, List<JdkJfrJson.Event>> jdk;

    /** One format's figures of one type: durations in ns (min, mean, p50, p90, p99, p99.9, max). */
    record Row(long count, long failures, Map<String, Long> byStatus, double[] durations, double total, Long bytes) {
    }

    @BeforeAll
    static void record() throws Exception {
        known = KnownRecording.mixed(dir.resolve("mixed.jfr"));
        report = RecordingReport.load(known.file(), new RecordingReport.Options(4, RecordingReport.Rules.WAL));
        jdk = JdkJfrJson.read(known.file());
    }

    @Test
    void theRecordingHoldsWhatTheUpdatersRecorded() {
        assertEquals(24, known.count(PreloadSegmentEvent.NAME));
        assertEquals(Map.of("CHECKSUM_MISMATCH", 6L, "IO_ERROR", 1L), known.failures(PreloadSegmentEvent.NAME));
        assertEquals(Map.of("IO_ERROR", 1L), known.failures(FinishSegmentEvent.NAME));
        for (String type : TYPES) {
            assertEquals(known.count(type), jdk.get(type).size(), type + " as the jfr tool reads it");
        }
    }

    @Test
    void jsonHasTheRecordedCountsAndTheJfrToolsDurations() {
        JsonObject json = JsonParser.parseString(report.render(RecordingReport.Format.JSON)).getAsJsonObject();
        assertTrue(json.get("walEvents").getAsBoolean());
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonElement e : json.getAsJsonArray("eventTypes")) {
            JsonObject t = e.getAsJsonObject();
            JsonObject d = t.getAsJsonObject("durationNanos");
            Map<String, Long> byStatus = new TreeMap<>();
            t.getAsJsonObject("failuresByStatus").entrySet().forEach(s -> byStatus.put(s.getKey(), s.getValue().getAsLong()));
            double[] durations = {d.get("min").getAsDouble(), d.get("mean").getAsDouble(), d.get("p50").getAsDouble(),
                    d.get("p90").getAsDouble(), d.get("p99").getAsDouble(), d.get("p99.9").getAsDouble(), d.get("max").getAsDouble()};
            rows.put(t.get("type").getAsString(), new Row(t.get("count").getAsLong(), t.get("failures").getAsLong(), byStatus,
                    durations, d.get("total").getAsDouble(), t.has("bytes") ? t.get("bytes").getAsLong() : null));
            if (t.has("mbPerSecondBusy")) {
                double expected = t.get("bytes").getAsLong() / 1e6 / (d.get("total").getAsLong() / 1e9);
                assertEquals(expected, t.get("mbPerSecondBusy").getAsDouble(), expected * 1e-6);
            }
        }
        assertEquals(TYPES, new ArrayList<>(rows.keySet()), "pipeline order");
        assertAgree("json", rows, 0.0, 1e-3);
        JsonObject wait = json.getAsJsonObject("replayWait");
        List<JdkJfrJson.Event> waits = jdk.get(WaitForSegmentEvent.NAME);
        assertEquals(waits.size(), wait.get("waits").getAsLong());
        assertEquals(waits.stream().mapToLong(JdkJfrJson.Event::durationNanos).sum(), wait.get("totalNanos").getAsLong());
        assertEquals(waits.get(0).durationNanos(), wait.get("fillNanos").getAsLong(), "the first hand-over is pipeline fill");
        assertEquals(jdk.get(ReadSegmentEvent.NAME).stream().mapToLong(JdkJfrJson.Event::durationNanos).sum(),
                wait.get("readNanos").getAsLong());
    }

    @Test
    void csvHasTheSameFigures() {
        String csv = report.render(RecordingReport.Format.CSV);
        String[] lines = csv.split("\r\n");
        assertEquals(CsvFormat.HEADER, lines[0]);
        assertEquals(TYPES.size() + 1, lines.length, csv);
        Map<String, Row> rows = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            assertEquals(14, f.length, lines[i]);
            Map<String, Long> byStatus = new TreeMap<>();
            for (String pair : f[3].isEmpty() ? new String[0] : f[3].split(";")) {
                String[] kv = pair.split("=");
                byStatus.put(kv[0], Long.parseLong(kv[1]));
            }
            double[] durations = new double[7];
            for (int k = 0; k < 7; k++) {
                durations[k] = Double.parseDouble(f[4 + k]);
            }
            rows.put(f[0], new Row(Long.parseLong(f[1]), Long.parseLong(f[2]), byStatus, durations, Double.parseDouble(f[11]),
                    f[12].isEmpty() ? null : Long.parseLong(f[12])));
        }
        assertAgree("csv", rows, 0.0, 0.0501); // the mean has one decimal
    }

    @Test
    void textHasTheSameFiguresInMilliseconds() {
        String text = report.render(RecordingReport.Format.TEXT);
        assertTrue(text.startsWith("Report of " + known.file() + " (JMC core parser)"), text);
        Pattern row = Pattern.compile("^  (flashstrike\\.wal\\.\\w+) +(\\d+) +(\\d+)((?: +[\\d.]+){7})$", Pattern.MULTILINE);
        Matcher m = row.matcher(text);
        Map<String, Row> rows = new LinkedHashMap<>();
        while (m.find()) {
            String[] ms = m.group(4).trim().split(" +");
            double[] durations = new double[7];
            for (int k = 0; k < 7; k++) {
                durations[k] = Double.parseDouble(ms[k]) * 1e6;
            }
            rows.put(m.group(1), new Row(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), null, durations, Double.NaN, null));
        }
        assertAgree("text", rows, 500.0, 500.0);
        assertTrue(text.contains("failures by status: CHECKSUM_MISMATCH=6, IO_ERROR=1"), text);
        assertTrue(text.contains("failures by status: IO_ERROR=1"), text);
        long preloadBytes = known.bytes(PreloadSegmentEvent.NAME);
        assertTrue(text.contains(preloadBytes + " bytes ("), text);
        assertTrue(text.contains("replay blocked waiting on the preloader: "), text);
        assertTrue(text.contains("slowest PreloadSegment (4 of 24):"), text);
        // The failures are in the rule's result whichever aspect scores worst: a thread descheduled
        // for milliseconds inside a spun wait (a loaded CI machine) can make the stall the headline.
        assertTrue(text.contains("Failed preloads: 7 (first: segment 3 "
                + KnownRecording.path(3) + ": CHECKSUM_MISMATCH (bad record at offset 192))."), text);
    }

    @Test
    void theSlowestOperationsAreTheLongestEventsWithTheirSegmentAndPath() {
        JsonObject json = JsonParser.parseString(report.render(RecordingReport.Format.JSON)).getAsJsonObject();
        for (JsonElement e : json.getAsJsonArray("eventTypes")) {
            JsonObject t = e.getAsJsonObject();
            String type = t.get("type").getAsString();
            if (type.equals(RecoveryEvent.NAME)) {
                assertFalse(t.has("slowest"), "a recovery is not a segment operation");
                continue;
            }
            List<JdkJfrJson.Event> expected = jdk.get(type).stream()
                    .sorted(Comparator.comparingLong(JdkJfrJson.Event::durationNanos).reversed()).limit(4).toList();
            JsonArray slowest = t.getAsJsonArray("slowest");
            assertEquals(4, slowest.size(), type);
            for (int i = 0; i < 4; i++) {
                JsonObject op = slowest.get(i).getAsJsonObject();
                JdkJfrJson.Event ev = expected.get(i);
                assertEquals(ev.durationNanos(), op.get("durationNanos").getAsLong(), type + " #" + i);
                assertEquals(ev.segmentId(), op.get("segmentId").getAsLong(), type + " #" + i);
                // WaitForSegment has no path field: the report names the file of the same segment's preload.
                assertEquals(KnownRecording.path(ev.segmentId()), op.get("path").getAsString(), type + " #" + i);
            }
        }
    }

    /** Every figure of {@code rows} against the known content and the jfr tool; {@code res} is the format's resolution in ns. */
    private static void assertAgree(String format, Map<String, Row> rows, double res, double meanRes) {
        assertEquals(TYPES.size(), rows.size(), format + ": " + rows.keySet());
        for (String type : TYPES) {
            Row r = rows.get(type);
            String what = format + " " + type;
            assertEquals(known.count(type), r.count(), what + " count");
            long failures = known.failures(type).values().stream().mapToLong(Long::longValue).sum();
            assertEquals(failures, r.failures(), what + " failures");
            if (r.byStatus() != null) {
                assertEquals(known.failures(type), r.byStatus(), what + " failures by status");
            }
            if (r.bytes() != null) {
                assertEquals(known.bytes(type), r.bytes(), what + " bytes");
            }
            long[] sorted = jdk.get(type).stream().mapToLong(JdkJfrJson.Event::durationNanos).sorted().toArray();
            long total = 0;
            for (long d : sorted) {
                total += d;
            }
            assertEquals(sorted[0], r.durations()[0], res, what + " min");
            assertEquals((double) total / sorted.length, r.durations()[1], meanRes, what + " mean");
            assertEquals(sorted[sorted.length - 1], r.durations()[6], res, what + " max");
            if (!Double.isNaN(r.total())) {
                assertEquals(total, r.total(), res, what + " total");
            }
            double[] ps = EventStats.PERCENTILES;
            for (int k = 0; k < ps.length; k++) {
                long exact = JdkJfrJson.nearestRank(sorted, ps[k]);
                double got = r.durations()[2 + k];
                assertTrue(got >= exact - res && got <= exact + exact / 128.0 + res + 1,
                        what + " p" + ps[k] + ": " + got + " vs exact " + exact + " (bucket precision 1/128)");
            }
        }
    }
}
