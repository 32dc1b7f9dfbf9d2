package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.telemetry.LatencyDistribution;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hand-written text writer /metrics used before client_java, kept only as the
 * baseline of {@code ScrapeBench}: it renders a latency as the summary it used to be
 * (p50/p90/p99/p99.9 from our buckets), so the benchmark compares the two expositions as shipped.
 *
 * <p>Renders collected values in the Prometheus text exposition format, version 0.0.4.
 *
 * <p>Samples of one metric family are grouped under a single {@code # HELP}/{@code # TYPE} pair,
 * whatever order they were collected in, so blocks can emit the same family under different label
 * stacks. Label values are escaped as the format requires ({@code \\}, {@code "}, newline); HELP
 * text escapes {@code \\} and newline only. A second sample with the same name and labels, an
 * invalid metric or label name, or a family collected with two types is rejected with
 * {@link IllegalArgumentException}: silently emitting an exposition that a scraper rejects whole
 * would lose every series.
 *
 * <p>Not thread-safe: one collector per scrape.
 */
public final class HandWrittenTextCollector implements MetricsCollector {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    /** The {@code Content-Type} of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Deque<String[]> labels = new ArrayDeque<>();
    private final Map<String, Family> families = new LinkedHashMap<>();

    @Override
    public void pushLabel(String name, String value) {
        if (name == null || !LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
            throw new IllegalArgumentException("invalid Prometheus label name: " + name);
        }
        if (value == null) {
            throw new IllegalArgumentException("label " + name + " has a null value");
        }
        for (String[] l : labels) {
            if (l[0].equals(name)) {
                throw new IllegalArgumentException("label " + name + " is already pushed (value \"" + l[1] + "\")");
            }
        }
        labels.addLast(new String[] {name, value});
    }

    @Override
    public void popLabel() {
        if (labels.isEmpty()) {
            throw new IllegalStateException("popLabel() without a matching pushLabel()");
        }
        labels.removeLast();
    }

    @Override
    public void counter(String name, String help, double value) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("counter name must end in _total: " + name);
        }
        family(name, "counter", help).add(name, labelSet(null, null), value);
    }

    @Override
    public void gauge(String name, String help, double value) {
        family(name, "gauge", help).add(name, labelSet(null, null), value);
    }

    @Override
    public void histogram(String name, String help, LatencyDistribution latency, double sumSeconds) {
        double[] values = new double[QUANTILES.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = latency.percentileNanos(QUANTILES[i] * 100.0) / 1e9;
        }
        summary(name, help, latency.totalCount(), sumSeconds, QUANTILES, values);
    }

    private void summary(String name, String help, long count, double sum, double[] quantiles, double[] values) {
        if (quantiles.length != values.length) {
            throw new IllegalArgumentException("quantiles and values differ in length");
        }
        Family f = family(name, "summary", help);
        for (int i = 0; i < quantiles.length; i++) {
            f.add(name, labelSet("quantile", formatValue(quantiles[i])), values[i]);
        }
        f.add(name + "_sum", labelSet(null, null), sum);
        f.add(name + "_count", labelSet(null, null), count);
    }

    /** @return the exposition text of everything collected so far */
    public String text() {
        if (!labels.isEmpty()) {
            throw new IllegalStateException(labels.size() + " label(s) pushed and never popped");
        }
        StringBuilder sb = new StringBuilder(4096);
        for (Family f : families.values()) {
            sb.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            sb.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            for (String line : f.lines) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private Family family(String name, String type, String help) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid Prometheus metric name: " + name);
        }
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help));
        if (!f.type.equals(type)) {
            throw new IllegalArgumentException(name + " collected as " + type + ", already a " + f.type);
        }
        return f;
    }

    private String labelSet(String extraName, String extraValue) {
        if (labels.isEmpty() && extraName == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder().append('{');
        Iterator<String[]> it = labels.iterator();
        while (it.hasNext()) {
            String[] l = it.next();
            sb.append(l[0]).append("=\"").append(escapeLabelValue(l[1])).append('"');
            if (it.hasNext() || extraName != null) {
                sb.append(',');
            }
        }
        if (extraName != null) {
            sb.append(extraName).append("=\"").append(escapeLabelValue(extraValue)).append('"');
        }
        return sb.append('}').toString();
    }

    /** Escapes a label value: backslash, double quote and line feed. */
    public static String escapeLabelValue(String value) {
        return escape(value, true);
    }

    /** Escapes HELP text: backslash and line feed only. */
    public static String escapeHelp(String help) {
        return escape(help, false);
    }

    private static String escape(String s, boolean quote) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : (quote && ch == '"') ? "\\\"" : null;
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(ch);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Formats a sample value as Prometheus parses it: integers plainly, {@code +Inf}, {@code NaN}. */
    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static final class Family {
        final String name;
        final String type;
        final String help;
        final List<String> lines = new ArrayList<>();
        final Set<String> seen = new HashSet<>();

        Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help == null ? "" : help;
        }

        void add(String sampleName, String labelSet, double value) {
            String key = sampleName + labelSet;
            if (!seen.add(key)) {
                throw new IllegalArgumentException("duplicate sample " + key);
            }
            lines.add(key + ' ' + formatValue(value));
        }
    }
}
