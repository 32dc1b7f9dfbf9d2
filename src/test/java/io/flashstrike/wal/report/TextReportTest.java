package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text report of a real recording made with the JDK's default profile and ours (so the JDK's
 * rules have something to say), all rules run: none of the JMC formatter's artefacts (doubled
 * quotes, clipped time ranges, headings over nothing, unbalanced parentheses), the rules'
 * severities and scores as JMC's own evaluation gives them, and our figures as the JDK's
 * {@code jfr} tool reads the same events.
 */
class TextReportTest {
    private static final Pattern RULE_LINE = Pattern.compile("^    (OK|INFO|WARNING) +(-|\\d+\\.\\d)  (.+?)(?:: (.*))?$", Pattern.MULTILINE);
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final Pattern RANGE = Pattern.compile("(" + TIMESTAMP + ") to (" + TIMESTAMP + ")");

    @TempDir
    static Path dir;
    static Path file;
    static RecordingReport report;
    static String text;

    @BeforeAll
    static void record() throws Exception {
        file = RuleRecordings.stalledWithJdkDefault(dir.resolve("stalled-default.jfr"));
        report = RecordingReport.load(file, new RecordingReport.Options(3, RecordingReport.Rules.ALL));
        text = report.render(RecordingReport.Format.TEXT);
    }

    @Test
    void quotesAreNotDoubled() {
        assertFalse(text.contains("''"), text);
        // Not vacuous: JDK rules whose templates double their quotes did report here.
        assertTrue(report.ruleResults().size() > 10, "JDK rules reported: " + report.ruleResults().size());
    }

    /** Every timestamp is a whole ISO-8601 instant, within the recording; every range ends after it starts. */
    @Test
    void timeRangesAreWholeAndInsideTheRecording() throws Exception {
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            first = e.getStartTime().isBefore(first) ? e.getStartTime() : first;
            last = e.getEndTime().isAfter(last) ? e.getEndTime() : last;
        }
        Matcher ts = TIMESTAMP.matcher(text);
        int stamps = 0;
        while (ts.find()) {
            Instant t = Instant.parse(ts.group());
            // Rules that report a rate per minute extend their window a minute past the first event.
            assertTrue(!t.isBefore(first.minusSeconds(1)) && !t.isAfter(last.plusSeconds(61)), t + " outside " + first + " .. " + last);
            stamps++;
        }
        Matcher r = RANGE.matcher(text);
        int ranges = 0;
        while (r.find()) {
            assertFalse(Instant.parse(r.group(2)).isBefore(Instant.parse(r.group(1))), r.group());
            ranges++;
        }
        assertTrue(ranges > 0, "the explicit GC gives the GC rules a time range to print: " + text);
        assertEquals(stamps, 2 * ranges, "every timestamp printed is part of a range: " + text);
        // JMC's own AM/PM clock must not come through, whole or clipped ("– .389").
        assertFalse(text.matches("(?s).*\\d:\\d\\d:\\d\\d(\\.\\d+)* [AP]M.*"), text);
        assertFalse(text.contains("– ."), text);
    }

    /** A line ending in ':' heads something: the next line is indented deeper. */
    @Test
    void noHeadingIsEmpty() {
        List<String> lines = text.lines().toList();
        int headings = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.stripTrailing().endsWith(":")) {
                continue;
            }
            headings++;
            assertTrue(i + 1 < lines.size() && !lines.get(i + 1).isBlank() && indent(lines.get(i + 1)) > indent(line),
                    "heading with nothing under it: '" + line + "'\n" + text);
        }
        assertTrue(headings >= 2, "the slowest lists and the rules have headings");
        assertFalse(text.contains("  \n") || text.contains(": \n"), "no line ends in a blank value");
    }

    @Test
    void parenthesesAreBalancedOnEveryLine() {
        for (String line : text.lines().toList()) {
            int depth = 0;
            for (char c : line.toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                assertTrue(depth >= 0, "')' before its '(': " + line);
            }
            assertEquals(0, depth, "unbalanced: " + line);
        }
    }

    /** Severity and score of every rule as JMC's own evaluation gives them, on the same recording. */
    @Test
    void ruleOutcomesKeepJmcsSeverityAndScore() throws Exception {
        Map<String, String[]> printed = new HashMap<>();
        Matcher m = RULE_LINE.matcher(text);
        while (m.find()) {
            printed.put(m.group(3), new String[] {m.group(1), m.group(2)});
        }
        List<IRule> rules = new ArrayList<>(RuleRegistry.getRules());
        Map<IRule, Future<IResult>> results = RulesToolkit.evaluateParallel(rules, RecordingLoader.load(file),
                IPreferenceValueProvider.DEFAULT_VALUES, 1);
        int compared = 0;
        int notApplicable = 0;
        for (Map.Entry<IRule, Future<IResult>> e : results.entrySet()) {
            IResult r = e.getValue().get();
            if (r == null || r.getSeverity() == Severity.NA || r.getSeverity() == Severity.IGNORE) {
                notApplicable++;
                continue;
            }
            String[] line = printed.get(e.getKey().getName());
            assertTrue(line != null, e.getKey().getName() + " is missing from\n" + text);
            IQuantity score = r.getResult(TypedResult.SCORE);
            assertEquals(r.getSeverity().name(), line[0], e.getKey().getName());
            assertEquals(score == null ? "-" : String.format(Locale.ROOT, "%.1f", score.doubleValue()), line[1], e.getKey().getName());
            compared++;
        }
        assertEquals(compared, printed.size(), "one line per rule that applied");
        assertTrue(text.contains("    (" + notApplicable + " rules not applicable, the events they need are not in this recording)"), text);
        assertTrue(printed.containsKey("Flashstrike WAL recovery"));
    }

    /** The replay-wait line and the slowest preloads, against the events as the JDK's jfr tool reads them. */
    @Test
    void ourFiguresAreTheEventsFigures() throws Exception {
        Map<String, List<JdkJfrJson.Event>> jdk = JdkJfrJson.read(file);
        List<JdkJfrJson.Event> waits = jdk.get(WaitForSegmentEvent.NAME);
        long total = waits.stream().mapToLong(JdkJfrJson.Event::durationNanos).sum();
        long fill = waits.stream().filter(w -> w.segmentId() == 0).mapToLong(JdkJfrJson.Event::durationNanos).sum();
        long read = jdk.get(ReadSegmentEvent.NAME).stream().mapToLong(JdkJfrJson.Event::durationNanos).sum();
        Matcher m = Pattern.compile("replay blocked waiting on the preloader: ([\\d.]+) ms over (\\d+) hand-overs"
                + " \\(first segment ([\\d.]+) ms; after it ([\\d.]+) ms = ([\\d.]+) % of replay's busy time\\)").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(total / 1e6, Double.parseDouble(m.group(1)), 0.0005);
        assertEquals(waits.size(), Integer.parseInt(m.group(2)));
        assertEquals(fill / 1e6, Double.parseDouble(m.group(3)), 0.0005);
        assertEquals((total - fill) / 1e6, Double.parseDouble(m.group(4)), 0.0005);
        assertEquals(100.0 * (total - fill) / (read + total - fill), Double.parseDouble(m.group(5)), 0.05);

        List<JdkJfrJson.Event> slowest = jdk.get(PreloadSegmentEvent.NAME).stream()
                .sorted(Comparator.comparingLong(JdkJfrJson.Event::durationNanos).reversed()).limit(3).toList();
        String block = text.substring(text.indexOf("  slowest PreloadSegment (3 of 8):\n"));
        Matcher op = Pattern.compile("^ +([\\d.]+) ms  segment (\\d+) +OK +at \\+[\\d.]+ s  (\\S+)$", Pattern.MULTILINE).matcher(block);
        for (JdkJfrJson.Event e : slowest) {
            assertTrue(op.find(), block);
            assertEquals(e.durationNanos() / 1e6, Double.parseDouble(op.group(1)), 0.0005);
            assertEquals(e.segmentId(), Long.parseLong(op.group(2)));
            assertEquals(e.path(), op.group(3));
        }
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }
}
