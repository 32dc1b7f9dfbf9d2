package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.testsupport.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML report laid out by headless Chromium at 700, 1000 and 1400 px, measured by a probe
 * script run in a copy of the page (layout-probe.js): no card, panel or chart has an element or
 * a line of text past its edges, nothing scrolls sideways, and the histograms' p50/p99 labels
 * overlap neither a bar nor each other. The recording's WAL sits in a long directory and one
 * preload fails, so the verdict card carries a long unbroken path, as a real failed recovery's does.
 */
class HtmlLayoutTest {
    private static final String LONG_DIR = "/var/lib/flashstrike/matching-engine-eu-west-1-production-cluster/write-ahead-log/partition-0042";
    private static final Pattern PROBE = Pattern.compile("<pre id=\"layout-probe\">(.*?)</pre>", Pattern.DOTALL);
    private static final Pattern COUNTS = Pattern.compile("viewport=(\\d+) cards=(\\d+) panels=(\\d+) svgs=(\\d+) labels=(\\d+) bars=(\\d+)");

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {700, 1000, 1400})
    void nothingOverflowsAndNoLabelOverlaps(int width, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("failed-preload.jfr");
        try (KnownRecording r = KnownRecording.start(file, LONG_DIR)) {
            for (int i = 0; i < 8; i++) {
                r.preload(i, i == 3 ? Status.CHECKSUM_MISMATCH : Status.OK, 1_000_000, 1 << 20);
                r.waitFor(i, i == 0 ? 2_000_000 : 0);
                r.read(i, 2_000_000, 1 << 20);
                r.finish(i, Status.OK, 50_000, 1 << 20);
            }
        }
        String html = RecordingReport.load(file).renderHtml();
        assertTrue(html.matches("(?s).*<div class=\"k\">Analysis verdict</div>.*" + Pattern.quote(LONG_DIR) + ".*"),
                "the verdict card names the failed segment's path");

        List<String> lines = probe(dir, html, width);
        Matcher counts = COUNTS.matcher(lines.get(0));
        assertTrue(counts.matches(), lines.get(0));
        int viewport = Integer.parseInt(counts.group(1));
        assertTrue(viewport > width - 30 && viewport <= width, "laid out at " + width + " px: " + lines.get(0));
        assertTrue(Integer.parseInt(counts.group(2)) >= 4, "cards measured: " + lines.get(0));
        assertEquals(4, Integer.parseInt(counts.group(5)) / 2, "a p50 and a p99 label per histogram: " + lines.get(0));
        assertTrue(Integer.parseInt(counts.group(6)) >= 4, "bars measured: " + lines.get(0));
        assertEquals(List.of(), lines.subList(1, lines.size()), "layout faults at " + width + " px");
    }

    /** The probe is not blind: a card with a long unbreakable word and a label over a bar are reported. */
    @Test
    void theProbeSeesOverflowAndOverlap(@TempDir Path dir) throws Exception {
        String page = "<!DOCTYPE html><html><body><main>"
                + "<div class=\"card\" style=\"width:120px\">" + "x".repeat(80) + "</div>"
                + "<svg class=\"hist\" width=\"200\" height=\"100\"><rect class=\"bar\" x=\"0\" y=\"0\" width=\"50\" height=\"100\"/>"
                + "<text class=\"pct-label\" x=\"10\" y=\"20\">p50 1 ms</text><text class=\"pct-label\" x=\"12\" y=\"22\">p99 2 ms</text></svg>"
                + "</main></body></html>";
        List<String> lines = probe(dir, page, 1000);
        String faults = String.join("\n", lines);
        assertTrue(faults.contains("card 0: text \"xxxx"), faults);
        assertTrue(faults.contains("card 0 scrolls sideways"), faults);
        assertTrue(faults.contains("histogram 0: label 0 overlaps bar 0"), faults);
        assertTrue(faults.contains("histogram 0: labels 0 and 1 overlap"), faults);
    }

    /** Loads {@code html} with the probe at {@code width} px; returns the probe's lines (counts, then faults). */
    private static List<String> probe(Path dir, String html, int width) throws Exception {
        Chromium.require();
        String script;
        try (InputStream in = HtmlLayoutTest.class.getResourceAsStream("layout-probe.js")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path page = dir.resolve("probed-" + width + ".html");
        Files.writeString(page, html.replace("</body>", "<script>\n" + script + "</script></body>"), StandardCharsets.UTF_8);
        Chromium.Run run = Chromium.run(dir, page, "--window-size=" + width + ",1200", "--dump-dom");
        assertTrue(run.consoleMessages().isEmpty(), "console: " + run.consoleMessages());
        Matcher m = PROBE.matcher(run.stdout());
        assertTrue(m.find(), "the probe ran: " + run.log());
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&").lines().toList();
    }
}
