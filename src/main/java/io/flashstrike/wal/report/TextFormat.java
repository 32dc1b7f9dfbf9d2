package io.flashstrike.wal.report;

import io.flashstrike.wal.report.rule.ReplayWait;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report as a table for a terminal (durations in milliseconds). */
final class TextFormat {
    private final RecordingReport report;

    TextFormat(RecordingReport report) {
        this.report = report;
    }

    void print(PrintWriter out) {
        out.println("Report of " + report.file() + " (JMC core parser)");
        if (!report.hasWalEvents()) {
            out.println("  " + report.noEventsSentence());
        } else {
            printTable(out);
            printReplayWait(out);
            printSlowest(out);
        }
        printRules(out);
        out.flush();
    }

    private void printTable(PrintWriter out) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-44s %8s %8s %10s %10s", "event (durations in ms)",
                "count", "failures", "min", "mean"));
        for (double p : EventStats.PERCENTILES) {
            head.append(String.format(Locale.ROOT, " %10s", Units.percentileLabel(p)));
        }
        out.println(head.append(String.format(Locale.ROOT, " %10s", "max")));
        for (EventStats s : report.byType().values()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-44s %8d %8d", s.type(), s.count(), s.failures()));
            if (s.hasDuration()) {
                row.append(String.format(Locale.ROOT, " %10s %10s", Units.ms(s.minNanos()), Units.ms(s.meanNanos())));
                for (double p : EventStats.PERCENTILES) {
                    row.append(String.format(Locale.ROOT, " %10s", Units.ms(s.percentileNanos(p))));
                }
                row.append(String.format(Locale.ROOT, " %10s", Units.ms(s.maxNanos())));
            } else {
                row.append("   (instant events: no duration)");
            }
            out.println(row);
            if (!s.failuresByStatus().isEmpty()) {
                out.println("      failures by status: " + statuses(s.failuresByStatus()));
            }
            if (s.isTransfer() && s.bytes() > 0 && s.totalNanos() > 0) {
                out.printf(Locale.ROOT, "      %d bytes (%s): %.1f MB/s while busy, %.1f MB/s over its %.3f s span%n", s.bytes(),
                        Units.bytes(s.bytes()), s.busyMegabytesPerSecond(), s.wallMegabytesPerSecond(), s.spanNanos() / 1e9);
            } else if (s.hasBytes() && s.bytes() > 0) {
                out.printf(Locale.ROOT, "      %d bytes (%s)%n", s.bytes(), Units.bytes(s.bytes()));
            }
        }
    }

    private void printReplayWait(PrintWriter out) {
        ReplayWait w = report.replayWait();
        if (w.waits() == 0) {
            return;
        }
        out.printf(Locale.ROOT, "  replay blocked waiting on the preloader: %s ms over %d hand-overs"
                        + " (first segment %s ms; after it %s ms = %.1f %% of replay's busy time)%n",
                Units.ms(w.totalNanos()), w.waits(), Units.ms(w.fillNanos()), Units.ms(w.stalledNanos()), 100 * w.stalledShare());
    }

    private void printSlowest(PrintWriter out) {
        if (report.slowestCount() == 0) {
            return;
        }
        long origin = report.firstStartEpochNanos();
        for (EventStats s : report.byType().values()) {
            if (!s.hasDuration() || !RecordingReport.aboutSegments(s)) {
                continue;
            }
            List<Operation> slow = s.slowest(report.slowestCount());
            out.printf("  slowest %s (%d of %d):%n", RecordingReport.shortName(s.type()), slow.size(), s.count());
            for (Operation op : slow) {
                String path = report.pathOf(op);
                out.printf(Locale.ROOT, "    %10s ms  segment %-6d %-17s at +%.3f s  %s%n", Units.ms(op.durationNanos()),
                        op.segmentId(), op.status() == null ? "" : op.status(), (op.startEpochNanos() - origin) / 1e9,
                        path == null ? "" : path);
            }
        }
    }

    private void printRules(PrintWriter out) {
        List<RuleOutcome> results = report.ruleResults();
        int absent = report.rulesNotApplicable();
        List<String> notes = new ArrayList<>();
        if (absent > 0) {
            notes.add(rules(absent) + " not applicable, the events " + (absent == 1 ? "it needs are" : "they need are")
                    + " not in this recording");
        }
        if (report.rulesFailed() > 0) {
            notes.add(rules(report.rulesFailed()) + " failed to evaluate");
        }
        if (results.isEmpty()) {
            // No heading over an empty list: one line says why there is nothing, if anything ran.
            if (!notes.isEmpty()) {
                out.println("  automated analysis (JMC rules): " + String.join("; ", notes));
            }
            return;
        }
        out.println("  automated analysis (JMC rules; score 0-100, WARNING from 75):");
        for (RuleOutcome r : results) {
            // A rule with no summary (JMC's "Garbage Collection Info") is its name alone, not a heading over nothing.
            out.printf(Locale.ROOT, "    %-7s %5s  %s%s%n", r.severity().name(),
                    Double.isNaN(r.score()) ? "-" : Units.oneDecimal(r.score()), r.name(), r.summary().isEmpty() ? "" : ": " + r.summary());
            if (r.ours() && !r.explanation().isEmpty()) {
                out.println("                   " + r.explanation());
            }
            if (r.ours() && !r.solution().isEmpty() && r.score() >= 25) {
                out.println("                   what to do: " + r.solution());
            }
        }
        for (String note : notes) {
            out.println("    (" + note + ")");
        }
    }

    /** @return {@code 1 rule}, {@code 3 rules} */
    static String rules(int n) {
        return n + (n == 1 ? " rule" : " rules");
    }

    static String statuses(Map<String, Long> byStatus) {
        StringBuilder sb = new StringBuilder();
        byStatus.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
