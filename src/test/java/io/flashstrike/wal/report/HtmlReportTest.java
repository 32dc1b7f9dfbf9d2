package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTML page: self-contained, one mark per operation, failures marked, one histogram per operation type. */
class HtmlReportTest {

    @Test
    void aSelfContainedPageWithEveryOperationPlotted(@TempDir Path dir) throws Exception {
        KnownRecording known = KnownRecording.mixed(dir.resolve("mixed.jfr"));
        String html = RecordingReport.load(known.file()).renderHtml();

        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        assertTrue(html.trim().endsWith("</html>"));
        for (String external : List.of("http:", "https:", "<script", "src=", "<link", "@import", "url(")) {
            assertFalse(html.contains(external), "the page must not load anything: found " + external);
        }

        long ops = 0;
        for (String type : List.of(PreloadSegmentEvent.NAME, WaitForSegmentEvent.NAME, ReadSegmentEvent.NAME, FinishSegmentEvent.NAME)) {
            ops += known.count(type);
            Matcher g = Pattern.compile("<g class=\"series\" data-type=\"" + Pattern.quote(type) + "\">(.*?)</g>", Pattern.DOTALL).matcher(html);
            assertTrue(g.find(), "a series for " + type);
            assertEquals(known.count(type), count(g.group(1), "<circle class=\"op"), "one mark per " + type);
        }
        assertEquals(ops, count(html, "<circle class=\"op"));
        assertEquals(7 + 1, count(html, "<circle class=\"op failed\""), "7 failed preloads and 1 failed finish are marked");
        assertEquals(1, count(html, "<svg class=\"chart\""), "one latency-over-time chart");
        assertEquals(4, count(html, "<svg class=\"hist\""), "one histogram per operation type");
        assertTrue(html.contains("<span class=\"sev WARNING\">WARNING</span>"), "the rule's verdict: preload failures");
        assertTrue(html.contains(KnownRecording.path(0)), "paths of the slowest operations");
        assertTrue(html.contains("CHECKSUM_MISMATCH=6, IO_ERROR=1"));
    }

    @Test
    void aRecordingWithoutOurEventsSaysSo(@TempDir Path dir) throws Exception {
        Path file = NoWalEvents.record(dir.resolve("other.jfr"));
        String html = RecordingReport.load(file).renderHtml();
        assertTrue(html.contains("no flashstrike.wal.* events in this recording"), html);
        assertFalse(html.contains("<svg"));
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
