package io.flashstrike.wal.report;

import io.flashstrike.wal.testsupport.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.flashstrike.wal.report.HtmlScaleTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML report rendered by a real browser (headless Chromium): the page loads with no console
 * message, the DOM Chromium built holds the charts' marks, and a screenshot is written that is not
 * blank. Once for a small recording (one mark per operation), once for 20,000 operations (envelopes).
 */
class HtmlInBrowserTest {

    @Test
    void aSmallReportRendersWithEveryMark(@TempDir Path dir) throws Exception {
        KnownRecording known = KnownRecording.mixed(dir.resolve("mixed.jfr"));
        String dom = render(dir, known.file());
        assertEquals(24 + 24 + 24 + 12, count(dom, "<circle class=\"op"), "one mark per operation, in the DOM");
        assertEquals(8, count(dom, "<circle class=\"op failed\""));
    }

    @Test
    void aTwentyThousandOperationReportRendersItsEnvelopes(@TempDir Path dir) throws Exception {
        KnownRecording known = KnownRecording.many(dir.resolve("many.jfr"), 5_000, 1_000);
        String dom = render(dir, known.file());
        assertEquals(4, count(dom, "<path class=\"envelope\""));
        assertEquals(5, count(dom, "<circle class=\"op failed\""));
    }

    /** The console check is not vacuous: a page that logs an error is caught. */
    @Test
    void theConsoleCheckSeesAPageError(@TempDir Path dir) throws Exception {
        Chromium.require();
        Path page = Files.writeString(dir.resolve("bad.html"), "<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>");
        Chromium.Run run = Chromium.run(dir, page, "--dump-dom");
        assertEquals(1, run.consoleMessages().size(), run.log());
        assertTrue(run.consoleMessages().get(0).contains("\"boom\""), run.consoleMessages().toString());
    }

    /** Writes the page, checks Chromium's DOM, console and screenshot; returns the DOM. */
    private static String render(Path dir, Path recording) throws Exception {
        Chromium.require();
        Path page = dir.resolve("report.html");
        Files.writeString(page, RecordingReport.load(recording).renderHtml(), StandardCharsets.UTF_8);

        Chromium.Run dump = Chromium.run(dir, page, "--dump-dom");
        assertTrue(dump.consoleMessages().isEmpty(), "console: " + dump.consoleMessages());
        String dom = dump.stdout();
        assertTrue(dom.contains("</html>"), "Chromium printed a whole DOM: " + dump.log());
        assertEquals(1, count(dom, "<svg class=\"chart\""), "the timeline");
        assertEquals(4, count(dom, "<svg class=\"hist\""), "a histogram per type");
        assertTrue(count(dom, "<rect class=\"bar\"") >= 4, "histogram bars");

        Path png = dir.resolve("report.png");
        Chromium.Run shot = Chromium.run(dir, page, "--window-size=1100,1600", "--screenshot=" + png);
        assertTrue(shot.consoleMessages().isEmpty(), "console: " + shot.consoleMessages());
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + shot.log());
        assertNotBlank(ImageIO.read(png.toFile()));
        return dom;
    }

    /** Many colours and a fair share of non-background pixels: text, cards and charts were painted. */
    private static void assertNotBlank(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        int background = image.getRGB(0, 0);
        long painted = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb);
                if (rgb != background) {
                    painted++;
                }
            }
        }
        long sampled = (long) (image.getWidth() / 2) * (image.getHeight() / 2);
        assertTrue(colours.size() > 50, "only " + colours.size() + " colours");
        assertTrue(painted > sampled / 20, painted + " of " + sampled + " sampled pixels painted");
    }
}
