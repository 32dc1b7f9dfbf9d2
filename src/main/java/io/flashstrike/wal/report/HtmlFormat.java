package io.flashstrike.wal.report;

import io.flashstrike.wal.report.rule.ReplayWait;
import io.flashstrike.wal.report.rule.WalEventTypes;

import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: summary cards, latency over time, duration
 * histograms, the per-type table, the slowest operations and the rule results. Styles are
 * inline, charts are inline SVG ({@link SvgCharts}); there is no script and no external
 * resource, so the file can be mailed, archived or opened offline.
 */
final class HtmlFormat {
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f5f6f8}
            main{max-width:1000px;margin:0 auto;padding:24px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
            .file{color:#5a6475;margin:0;word-break:break-all}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:18px;align-items:flex-start}
            .card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;flex:1 1 190px;min-width:0;overflow-wrap:anywhere}
            .card .k{color:#5a6475;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
            .card .v{font-size:22px;font-weight:600}.card .s{color:#5a6475;font-size:12px}
            .panel{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px;overflow-x:auto}
            .hists{display:flex;flex-wrap:wrap;gap:8px}
            svg.chart{display:block;width:100%;height:auto}.hists svg{flex:1 1 400px;max-width:100%;height:auto}
            svg text{font:11px system-ui,sans-serif;fill:#3b4452}svg .title{font-size:13px;font-weight:600}
            svg .axis{fill:#5a6475}svg .legend{font-size:12px}
            svg .grid{stroke:#e6e9ee}svg .frame{fill:none;stroke:#9aa3b1}
            svg .pct{stroke:#1d2430;stroke-dasharray:4 3}svg .pct-label{font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}
            table{border-collapse:collapse;width:100%;background:#fff;font-variant-numeric:tabular-nums;font-size:12.5px}
            th,td{padding:4px 5px;border-bottom:1px solid #e6e9ee;text-align:right;white-space:nowrap}
            th{background:#eef1f5;font-weight:600}td.l,th.l{text-align:left}td.path{text-align:left;white-space:normal;word-break:break-all}
            .sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
            .sev.OK{background:#2e7d32}.sev.INFO{background:#1565c0}.sev.WARNING{background:#c62828}
            .fail{color:#b3261e;font-weight:600}.muted{color:#5a6475}
            footer{color:#5a6475;font-size:12px;margin-top:28px}
            @media (max-width:960px){main{padding:16px}th,td{white-space:normal;padding:4px 3px}}
            """;

    private final RecordingReport report;

    HtmlFormat(RecordingReport report) {
        this.report = report;
    }

    String render() {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>WAL recovery report: ").append(Html.escape(report.file().getFileName().toString())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style></head><body><main>\n")
                .append("<h1>WAL recovery report</h1>\n<p class=\"file\">").append(Html.escape(report.file().toString()))
                .append(" &middot; ").append(report.eventCount()).append(" events, read with the JMC core parser</p>\n");
        if (!report.hasWalEvents()) {
            sb.append("<p class=\"panel\">").append(Html.escape(report.noEventsSentence())).append("</p>\n");
        } else {
            cards(sb);
            if (!SvgCharts.drawn(report).isEmpty()) {
                sb.append("<h2>Latency over time</h2>\n<div class=\"panel\">\n").append(SvgCharts.timeline(report)).append("</div>\n");
                sb.append("<h2>Duration distribution</h2>\n<div class=\"panel hists\">\n");
                for (EventStats s : SvgCharts.drawn(report)) {
                    sb.append(SvgCharts.histogram(s));
                }
                sb.append("</div>\n");
            }
            table(sb);
            slowest(sb);
        }
        rules(sb);
        sb.append("<footer>flashstrike-wal report &middot; percentiles from log-linear buckets (at most 0.79 % above the exact value)"
                + " &middot; MB = 10<sup>6</sup> bytes</footer>\n</main></body></html>\n");
        return sb.toString();
    }

    private void cards(StringBuilder sb) {
        sb.append("<div class=\"cards\">\n");
        EventStats pre = report.byType().get(WalEventTypes.PRELOAD_SEGMENT);
        if (pre != null) {
            card(sb, "Segment preloads", Long.toString(pre.count()), pre.failures() == 0 ? "no failure"
                    : "<span class=\"fail\">" + pre.failures() + " failed</span> (" + Html.escape(TextFormat.statuses(pre.failuresByStatus())) + ")");
            card(sb, "Preload throughput", Units.oneDecimal(pre.busyMegabytesPerSecond()) + " MB/s",
                    Html.escape(Units.bytes(pre.bytes())) + " while busy; " + Units.oneDecimal(pre.wallMegabytesPerSecond()) + " MB/s over its span");
        }
        ReplayWait w = report.replayWait();
        if (w.hasReplay()) {
            card(sb, "Replay blocked on preloader", Html.escape(Units.duration(w.totalNanos())),
                    w.waits() + " hand-overs; after the first: " + Html.escape(Units.duration(w.stalledNanos())) + " = "
                            + Units.oneDecimal(100 * w.stalledShare()) + " % of replay's busy time");
        }
        for (RuleOutcome r : report.ruleResults()) {
            if (r.ours()) {
                card(sb, "Analysis verdict", "<span class=\"sev " + r.severity().name() + "\">" + r.severity().name() + "</span> "
                        + (Double.isNaN(r.score()) ? "" : Units.oneDecimal(r.score())), Html.escape(r.summary()));
            }
        }
        sb.append("</div>\n");
    }

    private static void card(StringBuilder sb, String key, String value, String sub) {
        sb.append("<div class=\"card\"><div class=\"k\">").append(Html.escape(key)).append("</div><div class=\"v\">").append(value)
                .append("</div><div class=\"s\">").append(sub).append("</div></div>\n");
    }

    private void table(StringBuilder sb) {
        sb.append("<h2>Per event type</h2>\n<div class=\"panel\"><table>\n<tr><th class=\"l\">event</th><th>count</th><th>failures</th>"
                + "<th>min</th><th>mean</th>");
        for (double p : EventStats.PERCENTILES) {
            sb.append("<th>").append(Units.percentileLabel(p)).append("</th>");
        }
        sb.append("<th>max</th><th>total</th></tr>\n");
        for (EventStats s : report.byType().values()) {
            sb.append("<tr><td class=\"l\" title=\"").append(Html.escape(s.type())).append("\">")
                    .append(camelBreaks(RecordingReport.shortName(s.type()))).append("</td><td>").append(s.count()).append("</td><td")
                    .append(s.failures() > 0 ? " class=\"fail\" title=\"" + Html.escape(TextFormat.statuses(s.failuresByStatus())) + "\"" : "")
                    .append('>').append(s.failures()).append("</td>");
            if (s.hasDuration()) {
                cell(sb, s.minNanos());
                cell(sb, s.meanNanos());
                for (double p : EventStats.PERCENTILES) {
                    cell(sb, s.percentileNanos(p));
                }
                cell(sb, s.maxNanos());
                cell(sb, s.totalNanos());
            } else {
                sb.append("<td class=\"muted\" colspan=\"").append(EventStats.PERCENTILES.length + 4).append("\">periodic: no duration</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table></div>\n");
    }

    /** @return {@code name} escaped, with a line-break opportunity between its words: narrow pages wrap SegmentPreloaderStatistics */
    static String camelBreaks(String name) {
        return Html.escape(name).replaceAll("(?<=[a-z])(?=[A-Z])", "<wbr>");
    }

    private static void cell(StringBuilder sb, double nanos) {
        sb.append("<td>").append(Html.escape(Units.duration(nanos))).append("</td>");
    }

    private void slowest(StringBuilder sb) {
        if (report.slowestCount() == 0
                || report.byType().values().stream().noneMatch(s -> s.hasDuration() && RecordingReport.aboutSegments(s))) {
            return;
        }
        long origin = report.firstStartEpochNanos();
        sb.append("<h2>Slowest operations</h2>\n<div class=\"panel\"><table>\n<tr><th class=\"l\">event</th><th>duration</th>"
                + "<th>segment</th><th class=\"l\">status</th><th>at</th><th class=\"l\">file (hover for the path)</th></tr>\n");
        for (EventStats s : report.byType().values()) {
            if (!s.hasDuration() || !RecordingReport.aboutSegments(s)) {
                continue;
            }
            List<Operation> ops = s.slowest(report.slowestCount());
            for (Operation op : ops) {
                sb.append("<tr><td class=\"l\">").append(camelBreaks(op.shortType())).append("</td><td>")
                        .append(Html.escape(Units.duration(op.durationNanos()))).append("</td><td>").append(op.segmentId())
                        .append("</td><td class=\"l").append(op.failed() ? " fail" : "").append("\">").append(Html.escape(op.status()))
                        .append("</td><td>").append(String.format(Locale.ROOT, "+%.3f s", (op.startEpochNanos() - origin) / 1e9))
                        .append("</td>");
                pathCell(sb, report.pathOf(op));
                sb.append("</tr>\n");
            }
        }
        sb.append("</table></div>\n");
    }

    /** The file name, the whole path as its tooltip: long WAL directories made every row wrap. */
    private static void pathCell(StringBuilder sb, String path) {
        if (path == null) {
            sb.append("<td></td>");
            return;
        }
        int slash = path.lastIndexOf('/');
        sb.append("<td class=\"path\" title=\"").append(Html.escape(path)).append("\">")
                .append(Html.escape(slash < 0 ? path : path.substring(slash + 1))).append("</td>");
    }

    private void rules(StringBuilder sb) {
        if (report.ruleResults().isEmpty() && report.rulesNotApplicable() == 0) {
            return;
        }
        sb.append("<h2>Automated analysis</h2>\n<div class=\"panel\"><table>\n<tr><th class=\"l\">severity</th><th>score</th>"
                + "<th class=\"l\">rule</th><th class=\"l\">result</th></tr>\n");
        for (RuleOutcome r : report.ruleResults()) {
            sb.append("<tr><td class=\"l\"><span class=\"sev ").append(r.severity().name()).append("\">").append(r.severity().name())
                    .append("</span></td><td>").append(Double.isNaN(r.score()) ? "-" : Units.oneDecimal(r.score()))
                    .append("</td><td class=\"l\">").append(Html.escape(r.name())).append("</td><td class=\"path\">")
                    .append(Html.escape(r.summary()));
            if (r.ours() && !r.explanation().isEmpty()) {
                sb.append("<br><span class=\"muted\">").append(Html.escape(r.explanation())).append("</span>");
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>");
        if (report.rulesNotApplicable() > 0) {
            sb.append("<p class=\"muted\">").append(TextFormat.rules(report.rulesNotApplicable()))
                    .append(" not applicable: the events ").append(report.rulesNotApplicable() == 1 ? "it needs are" : "they need are")
                    .append(" not in this recording.</p>");
        }
        sb.append("</div>\n");
    }
}
