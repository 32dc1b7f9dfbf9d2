package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.WalOperations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report's two charts, as inline SVG (no script, no external resource): latency over
 * time (log duration axis) and one duration histogram per operation type (log-spaced bins, p50
 * and p99 marked). Up to {@link #MAX_MARKS} operations the timeline draws one mark per operation;
 * past that, per type, one min-to-max stroke per pixel column (the envelope), so the page's size
 * does not grow with the recording. Failed operations are always drawn one mark each.
 */
final class SvgCharts {
    /** Okabe-Ito, colour-blind safe; its vermilion is {@link #FAILURE}'s. */
    private static final List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442");
    /**
     * Operation types drawn, and their colours: every WAL operation but the run itself (one span
     * over all the others), in the report's order.
     */
    static final Map<String, String> COLOURS = colours();
    static final String FAILURE = "#D55E00";
    private static final int BINS_PER_DECADE = 8;
    /** Above this many operations in the timeline, it draws envelopes (about 250 bytes a mark). */
    static final int MAX_MARKS = 2_000;

    private SvgCharts() {
    }

    private static Map<String, String> colours() {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        for (OperationType<?, ?> op : WalOperations.ALL) {
            if (op != WalOperations.RECOVER) {
                c.put(op.eventName(), PALETTE.get(c.size() % PALETTE.size()));
            }
        }
        return Map.copyOf(c);
    }

    /** @return the operation types of the report that the charts draw, in report order */
    static List<EventStats> drawn(RecordingReport report) {
        List<EventStats> out = new ArrayList<>();
        for (EventStats s : report.byType().values()) {
            if (COLOURS.containsKey(s.type()) && s.hasDuration()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Latency over time: x = seconds since the first event, y = duration (log). */
    static String timeline(RecordingReport report) {
        List<EventStats> types = drawn(report);
        int w = 960;
        int h = 380;
        int left = 70;
        int right = 20;
        int top = 30;
        int bottom = 44;
        long origin = types.stream().flatMap(s -> s.operations().stream()).mapToLong(Operation::startEpochNanos).min().orElse(0);
        long end = 1;
        long lo = Long.MAX_VALUE;
        long hi = 1;
        for (EventStats s : types) {
            for (Operation op : s.operations()) {
                end = Math.max(end, op.startEpochNanos() + op.durationNanos() - origin);
                lo = Math.min(lo, Math.max(1, op.durationNanos()));
                hi = Math.max(hi, op.durationNanos());
            }
        }
        LogAxis y = new LogAxis(lo == Long.MAX_VALUE ? 1 : lo, hi, top + (h - top - bottom), top);
        double xScale = (w - left - right) / (double) end;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
                + " aria-label=\"Operation duration over time\">%n", w, h, w, h));
        for (long t : y.ticks()) {
            double py = y.pixel(t);
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left, w - right, py, py, left - 6, py + 4, Html.escape(Units.decade(t))));
        }
        double step = niceStep(end / 1e9 / 8);
        for (double t = 0; t <= end / 1e9 + 1e-12; t += step) {
            double px = left + t * 1e9 * xScale;
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
                    + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s s</text>%n",
                    px, px, top, h - bottom, px, h - bottom + 16, trim(t)));
        }
        boolean envelope = types.stream().mapToLong(EventStats::count).sum() > MAX_MARKS;
        sb.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the first segment operation"
                + " (%s)</text>%n", left + (w - left - right) / 2, h - 6, envelope
                ? "per pixel column: shortest to longest operation started there; failures one mark each"
                : "mark at the operation's start, line to its end"));
        sb.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">"
                + "duration (log scale)</text>%n", top + (h - top - bottom) / 2));
        for (EventStats s : types) {
            String colour = COLOURS.get(s.type());
            sb.append("<g class=\"series\" data-type=\"").append(s.type()).append("\">\n");
            if (envelope) {
                envelope(sb, s, origin, xScale, left, w - left - right, y, colour);
            }
            for (Operation op : s.operations()) {
                if (envelope && !op.failed()) {
                    continue;
                }
                double x0 = left + (op.startEpochNanos() - origin) * xScale;
                double x1 = left + (op.startEpochNanos() + op.durationNanos() - origin) * xScale;
                double py = y.pixel(Math.max(1, op.durationNanos()));
                String title = Html.escape(op.shortType() + " segment " + op.segmentId() + ": " + Units.duration(op.durationNanos())
                        + " " + (op.status() == null ? "" : op.status()) + (report.pathOf(op) == null ? "" : " " + report.pathOf(op)));
                if (x1 - x0 >= 1 && !envelope) {
                    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                            + " stroke-opacity=\"0.45\" stroke-width=\"2\"/>", x0, x1, py, py, colour));
                }
                sb.append(String.format(Locale.ROOT, "<circle class=\"op%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"%s><title>%s</title></circle>%n",
                        op.failed() ? " failed" : "", x0, py, op.failed() ? "5" : "3.5", op.failed() ? FAILURE : colour,
                        op.failed() ? " stroke=\"#000\"" : "", title));
            }
            sb.append("</g>\n");
        }
        legend(sb, types, left + 8, 8);
        sb.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>%n",
                left, top, w - left - right, h - top - bottom));
        return sb.append("</svg>\n").toString();
    }

    /** A duration histogram of one type: log-spaced bins, count on y, p50 and p99 marked. */
    static String histogram(EventStats s) {
        int w = 460;
        int h = 240;
        int left = 46;
        int right = 26;
        int top = 56; // title, then one row per percentile label: above the plot, so no label can cover a bar
        int bottom = 40;
        long[] d = s.sortedDurations();
        LogAxis x = new LogAxis(Math.max(1, d[0]), Math.max(1, d[d.length - 1]), left, w - right);
        int bins = Math.max(1, (int) Math.round((x.hiExp - x.loExp) * BINS_PER_DECADE));
        long[] counts = new long[bins];
        for (long v : d) {
            double e = Math.log10(Math.max(1, v));
            counts[Math.min(bins - 1, Math.max(0, (int) ((e - x.loExp) / (x.hiExp - x.loExp) * bins)))]++;
        }
        long most = 1;
        for (long c : counts) {
            most = Math.max(most, c);
        }
        String colour = COLOURS.getOrDefault(s.type(), "#555");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"hist\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
                + " aria-label=\"%s duration histogram\">%n", w, h, w, h, Html.escape(s.label())));
        sb.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"16\">%s: %d operations</text>%n",
                left, Html.escape(RecordingReport.shortName(s.type())), s.count()));
        double plotH = h - top - bottom;
        double binW = (w - left - right) / (double) bins;
        for (int i = 0; i < bins; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double bh = plotH * counts[i] / most;
            double lowNs = Math.pow(10, x.loExp + (x.hiExp - x.loExp) * i / bins);
            double highNs = Math.pow(10, x.loExp + (x.hiExp - x.loExp) * (i + 1) / bins);
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%d between %s and %s</title></rect>%n", left + i * binW + 0.5, top + plotH - bh, Math.max(1, binW - 1),
                    bh, colour, counts[i], Html.escape(Units.duration(lowNs)), Html.escape(Units.duration(highNs))));
        }
        for (long t : x.ticks()) {
            double px = x.pixel(t);
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, h - bottom + 14, Html.escape(Units.decade(t))));
        }
        sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>%n", left - 4, top + 4, most));
        sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", left - 4, top + (int) plotH));
        // Each label in its own row between the title and the plot (rows cannot collide, the plot holds only
        // bars), its dashed line running from it down through the plot; lines first so labels paint over them.
        double[] marked = {50, 99};
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < marked.length; i++) {
            long v = s.percentileNanos(marked[i]);
            double px = x.pixel(Math.max(1, v));
            int baseline = 32 + 14 * i;
            boolean leftSide = px > left + (w - left - right) * 0.7;
            sb.append(String.format(Locale.ROOT, "<line class=\"pct\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\"/>%n",
                    px, px, baseline + 3, top + plotH));
            labels.append(String.format(Locale.ROOT, "<text class=\"pct-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s %s</text>%n",
                    leftSide ? px - 3 : px + 3, baseline, leftSide ? "end" : "start",
                    Units.percentileLabel(marked[i]), Html.escape(Units.duration(v))));
        }
        sb.append(labels);
        sb.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%.0f\"/>%n",
                left, top, w - left - right, plotH));
        sb.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">duration (log scale)</text>%n",
                left + (w - left - right) / 2, h - 8));
        return sb.append("</svg>\n").toString();
    }

    /**
     * One vertical stroke per pixel column holding operations of {@code s} that started there,
     * from the shortest to the longest duration among them: one path, whatever the count.
     */
    private static void envelope(StringBuilder sb, EventStats s, long origin, double xScale, int left, int width,
                                 LogAxis y, String colour) {
        long[] min = new long[width];
        long[] max = new long[width];
        java.util.Arrays.fill(min, Long.MAX_VALUE);
        for (Operation op : s.operations()) {
            int col = (int) Math.min(width - 1, Math.max(0, (op.startEpochNanos() - origin) * xScale));
            long d = Math.max(1, op.durationNanos());
            min[col] = Math.min(min[col], d);
            max[col] = Math.max(max[col], d);
        }
        StringBuilder d = new StringBuilder();
        for (int col = 0; col < width; col++) {
            if (min[col] == Long.MAX_VALUE) {
                continue;
            }
            double lowY = y.pixel(min[col]);
            double highY = Math.min(lowY - 1.5, y.pixel(max[col])); // at least a dot for a lone value
            d.append(String.format(Locale.ROOT, "M%d.5 %.1fV%.1f", left + col, lowY, highY));
        }
        sb.append("<path class=\"envelope\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1\" d=\"")
                .append(d).append("\"><title>").append(Html.escape(RecordingReport.shortName(s.type()))).append(": ").append(s.count())
                .append(" operations, per pixel column the shortest to the longest that started there</title></path>\n");
    }

    private static void legend(StringBuilder sb, List<EventStats> types, int x, int y) {
        int px = x;
        for (EventStats s : types) {
            String name = RecordingReport.shortName(s.type());
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/><text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>%n",
                    px, y + 9, COLOURS.get(s.type()), px + 9, y + 13, name));
            px += 24 + name.length() * 8;
        }
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\" stroke=\"#000\"/>"
                + "<text class=\"legend\" x=\"%d\" y=\"%d\">failed</text>%n", px, y + 9, FAILURE, px + 9, y + 13));
    }

    /** @return 1, 2 or 5 times a power of ten, at least {@code raw} */
    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double t) {
        String s = String.format(Locale.ROOT, "%.3f", t);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A log10 axis over whole decades that cover [lo, hi] nanoseconds, mapped onto pixels [p0, p1]. */
    static final class LogAxis {
        final double loExp;
        final double hiExp;
        private final double p0;
        private final double p1;

        LogAxis(long lo, long hi, double p0, double p1) {
            this.loExp = Math.floor(Math.log10(Math.max(1, lo)));
            double h = Math.ceil(Math.log10(Math.max(1, hi)));
            this.hiExp = h <= loExp ? loExp + 1 : h;
            this.p0 = p0;
            this.p1 = p1;
        }

        double pixel(long v) {
            return p0 + (Math.log10(Math.max(1, v)) - loExp) / (hiExp - loExp) * (p1 - p0);
        }

        long[] ticks() {
            int n = (int) (hiExp - loExp) + 1;
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                t[i] = (long) Math.pow(10, loExp + i);
            }
            return t;
        }
    }
}
