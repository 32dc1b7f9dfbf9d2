package io.flashstrike.wal.report;

import io.flashstrike.wal.report.rule.ReplayWait;
import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.report.rule.WalEventTypes;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of the {@code flashstrike.wal.*} events of a recording, read with the JDK Mission
 * Control core parser ({@code JfrLoaderToolkit}), and the automated-analysis results on it.
 * The outputs are in {@link TextFormat}, {@link JsonFormat}, {@link CsvFormat} and
 * {@link HtmlFormat}.
 */
public final class RecordingReport {
    /** Prefix of our event type ids. */
    public static final String EVENT_PREFIX = WalEventTypes.PREFIX;
    /** The order in which the pipeline's event types are shown (the operations', then statistics); other types of ours follow by name. */
    private static final List<String> ORDER = order();

    private static List<String> order() {
        List<String> names = new ArrayList<>();
        for (OperationType<?, ?> op : WalOperations.ALL) {
            names.add(op.eventName());
        }
        names.add(WalEventTypes.PRELOADER_STATISTICS);
        names.add(WalEventTypes.PREFIX + "OperationStatistics");
        return List.copyOf(names);
    }

    /**
     * What to put in the report.
     *
     * @param slowest how many of the longest operations to list per event type
     * @param rules   which automated-analysis rules to run
     */
    public record Options(int slowest, Rules rules) {
        /** The report printed after {@code recover} and {@code demo}: our rule only, 3 slowest. */
        public static final Options DEFAULT = new Options(3, Rules.WAL);
    }

    /** Which rules to run: all (ours and the JDK's), ours only, none. */
    public enum Rules { ALL, WAL, NONE }

    private final Path file;
    private final Map<String, EventStats> byType;
    private final ReplayWait replayWait;
    private final RuleRunner.Outcomes rules;
    private final int slowest;
    private final long eventCount;

    private RecordingReport(Path file, Map<String, EventStats> byType, ReplayWait replayWait,
                            RuleRunner.Outcomes rules, int slowest, long eventCount) {
        this.file = file;
        this.byType = byType;
        this.replayWait = replayWait;
        this.rules = rules;
        this.slowest = slowest;
        this.eventCount = eventCount;
    }

    /** Loads {@code file} with {@link Options#DEFAULT}. */
    public static RecordingReport load(Path file) throws IOException {
        return load(file, Options.DEFAULT);
    }

    /**
     * Loads our events from {@code file} and runs the rules.
     *
     * @throws UnreadableRecordingException with a one-line message when the file is missing, empty,
     *                                      not JFR, truncated or of a newer format
     */
    public static RecordingReport load(Path file, Options options) throws IOException {
        IItemCollection items = RecordingLoader.load(file);
        Map<String, String> labels = new TreeMap<>();
        long events = 0;
        for (IItemIterable it : items) {
            events += it.getItemCount();
            String id = it.getType().getIdentifier();
            if (id.startsWith(EVENT_PREFIX) && it.getItemCount() > 0) {
                labels.put(id, it.getType().getName());
            }
        }
        Map<String, EventStats> byType = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(labels.keySet());
        ids.sort(Comparator.comparingInt(RecordingReport::rank).thenComparing(Comparator.naturalOrder()));
        for (String id : ids) {
            byType.put(id, EventStats.of(id, labels.get(id), items));
        }
        return new RecordingReport(file, Collections.unmodifiableMap(byType), ReplayWait.of(items),
                RuleRunner.run(items, options.rules()), Math.max(0, options.slowest()), events);
    }

    private static int rank(String id) {
        int i = ORDER.indexOf(id);
        return i < 0 ? ORDER.size() : i;
    }

    /** @return the type id without the {@code flashstrike.wal.} prefix */
    public static String shortName(String type) {
        return type.startsWith(EVENT_PREFIX) ? type.substring(EVENT_PREFIX.length()) : type;
    }

    public Path file() {
        return file;
    }

    /** @return statistics per event type id that has events, pipeline order */
    public Map<String, EventStats> byType() {
        return byType;
    }

    /** @return whether the recording holds any {@code flashstrike.wal.*} event */
    public boolean hasWalEvents() {
        return !byType.isEmpty();
    }

    /** @return events of every type in the recording, ours and the JDK's */
    public long eventCount() {
        return eventCount;
    }

    /** @return how long the replay thread was blocked on the preloader */
    public ReplayWait replayWait() {
        return replayWait;
    }

    /** @return the automated-analysis results worth printing, worst first */
    public List<RuleOutcome> ruleResults() {
        return rules.results();
    }

    /** @return rules that did not apply to this recording (their events are absent) */
    public int rulesNotApplicable() {
        return rules.notApplicable();
    }

    /** @return rules whose evaluation threw */
    public int rulesFailed() {
        return rules.failed();
    }

    /** @return how many slowest operations to list per type */
    public int slowestCount() {
        return slowest;
    }

    /** @return the path of {@code op}, or that of a preload of the same segment when the event has none */
    public String pathOf(Operation op) {
        if (op.path() != null || op.segmentId() < 0) {
            return op.path();
        }
        EventStats preloads = byType.get(WalEventTypes.PRELOAD_SEGMENT);
        if (preloads == null) {
            return null;
        }
        return preloads.operations().stream().filter(p -> p.segmentId() == op.segmentId() && p.path() != null)
                .map(Operation::path).findFirst().orElse(null);
    }

    /** @return whether {@code stats}' events are about segments (they carry a segment id or a path) */
    public static boolean aboutSegments(EventStats stats) {
        return stats.operations().stream().anyMatch(o -> o.segmentId() >= 0 || o.path() != null);
    }

    /** @return the earliest start of any of our events, epoch ns; 0 when none */
    public long firstStartEpochNanos() {
        return byType.values().stream().flatMap(s -> s.operations().stream())
                .mapToLong(Operation::startEpochNanos).min().orElse(0);
    }

    /** Prints the report as text (what {@code recover} and {@code demo} print at the end). */
    public void printText(PrintWriter out) {
        new TextFormat(this).print(out);
    }

    /** The formats of {@link #render}. */
    public enum Format { TEXT, JSON, CSV }

    /** @return the report in {@code format} */
    public String render(Format format) {
        return switch (format) {
            case TEXT -> {
                StringWriter w = new StringWriter();
                printText(new PrintWriter(w));
                yield w.toString();
            }
            case JSON -> new JsonFormat(this).render();
            case CSV -> new CsvFormat(this).render();
        };
    }

    /** @return the report as a self-contained HTML page (inline SVG charts, no script, no external resource) */
    public String renderHtml() {
        return new HtmlFormat(this).render();
    }

    /** The plain statement printed when a recording has none of our events. */
    String noEventsSentence() {
        return "no flashstrike.wal.* events in this recording (" + eventCount + " other events): record with "
                + "jfc/flashstrike-wal.jfc, e.g. -XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc";
    }
}
