package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page stays small whatever the recording's size: past {@link SvgCharts#MAX_MARKS} the
 * timeline draws one envelope path per type, every failure is still its own mark, the histograms
 * are the same four, the slowest list keeps its --top bound.
 */
class HtmlScaleTest {

    @Test
    void aHundredThousandOperationsMakeAPageOfAtMostTwoMegabytes(@TempDir Path dir) throws Exception {
        KnownRecording known = KnownRecording.many(dir.resolve("many.jfr"), 25_000, 1_000);
        String html = RecordingReport.load(known.file()).renderHtml();
        long bytes = html.getBytes(StandardCharsets.UTF_8).length;

        assertEquals(100_000, known.count(PreloadSegmentEvent.NAME) * 4);
        assertTrue(bytes <= 2_000_000, "page of " + bytes + " bytes");
        assertEquals(4, count(html, "<path class=\"envelope\""), "one envelope per operation type");
        assertEquals(25, count(html, "<circle class=\"op failed\""), "every failed preload is its own mark");
        assertEquals(25, count(html, "<circle class=\"op"), "and nothing else is one mark per operation");
        assertEquals(4, count(html, "<svg class=\"hist\""));
        assertTrue(html.contains("PreloadSegment: 25000 operations"), "the histograms count every operation");
    }

    @Test
    void aSmallRecordingKeepsOneMarkPerOperation(@TempDir Path dir) throws Exception {
        KnownRecording known = KnownRecording.many(dir.resolve("few.jfr"), 400, 100);
        String html = RecordingReport.load(known.file()).renderHtml();
        assertEquals(0, count(html, "<path class=\"envelope\""));
        assertEquals(1_600, count(html, "<circle class=\"op"));
        assertEquals(4, count(html, "<circle class=\"op failed\""));
    }

    static int count(String s, String what) {
        int n = 0;
        for (Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s); m.find(); ) {
            n++;
        }
        return n;
    }
}
