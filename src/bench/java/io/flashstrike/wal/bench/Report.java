package io.flashstrike.wal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code Report MODE CSV...}: reads the CSV files JMH wrote ({@code -rf csv}) and prints the tables of docs/BENCHMARKS.md with their ratios
 * and each target met or missed, in Markdown. Used by {@code tools/bench}; any subset of the
 * benchmarks may be present (absent tables are skipped).
 */
public final class Report {
    private static final String PKG = "io.flashstrike.wal.bench.";

    /** One result row: benchmark (without package), params, score, error, unit. */
    record Row(String bench, Map<String, String> params, double score, double error, String unit) {
    }

    private final List<Row> rows = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Report r = new Report();
        for (String a : args.length > 0 ? java.util.Arrays.asList(args).subList(1, args.length) : List.<String>of()) {
            r.read(Path.of(a));
        }
        if (args.length > 0 && args[0].equals("smoke")) {
            System.out.println("(smoke run: it proves every benchmark runs; its figures and verdicts mean nothing)\n");
        }
        r.print();
    }

    private void read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) {
            return;
        }
        List<String> header = split(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 7; i < header.size() && i < f.size(); i++) {
                if (!f.get(i).isEmpty()) {
                    params.put(header.get(i).replace("Param: ", ""), f.get(i));
                }
            }
            rows.add(new Row(f.get(0).replace(PKG, ""), params, num(f.get(4)), num(f.get(5)), f.get(6)));
        }
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private Row find(String bench, String paramName, String paramValue) {
        for (Row r : rows) {
            if (r.bench.equals(bench) && (paramName == null || paramValue.equals(r.params.get(paramName)))) {
                return r;
            }
        }
        return null;
    }

    private double score(String bench, String paramName, String paramValue) {
        Row r = find(bench, paramName, paramValue);
        return r == null ? Double.NaN : r.score;
    }

    private static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pm(Row r) {
        return r == null ? "–" : f(r.score) + " ± " + f(r.error);
    }

    private static String verdict(boolean met) {
        return met ? "**met**" : "**MISSED**";
    }

    private void print() {
        System.out.printf(Locale.ROOT, "# Summary: Java %s (%s), %d CPUs%n%n", System.getProperty("java.vm.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors());
        updater();
        record();
        falseSharing();
        aggregator();
        recovery();
        methodTiming();
    }

    /** Ours beside JDK 25's method timing and tracing (JEP 520) on the same work; read on 25 only. */
    private void methodTiming() {
        if (find("MethodTimingBench.untimed", null, null) == null) {
            return;
        }
        System.out.println("## Our events beside JEP 520 method timing/tracing (ns/op, same work; JEP 520 rows mean something on JDK 25+)\n");
        System.out.println("| recording | work alone | JEP 520 | − work | ours (updater) | − work | B/op ours |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String[] mode : new String[][] {{"off", "jep520Timing", "none"}, {"aggregated", "jep520Timing", "method-timing / ours, event off"},
                {"perCall", "jep520Trace", "method-trace / ours, event committed"}}) {
            double work = score("MethodTimingBench.untimed", "events", mode[0]);
            double jep = score("MethodTimingBench." + mode[1], "events", mode[0]);
            double ours = score("MethodTimingBench.ours", "events", mode[0]);
            System.out.printf(Locale.ROOT, "| %s (%s) | %s | %s | %s | %s | %s | %s |%n", mode[0], mode[2],
                    pm(find("MethodTimingBench.untimed", "events", mode[0])), pm(find("MethodTimingBench." + mode[1], "events", mode[0])),
                    f(jep - work), pm(find("MethodTimingBench.ours", "events", mode[0])), f(ours - work),
                    f(score("MethodTimingBench.ours:gc.alloc.rate.norm", "events", mode[0])));
        }
        System.out.println();
    }

    private void updater() {
        if (find("UpdaterBench.baseline", null, null) == null) {
            jfrCommit();
            return;
        }
        System.out.println("## 1. Updater call (ns/op; B/op with -prof gc)\n");
        System.out.println("| jfr | baseline: 2 × nanoTime | onPreloadSegment | − baseline | B/op | withContext | − baseline | B/op | JFR commit alone | JFR's documented begin/end/commit | B/op |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String jfr : new String[] {"off", "committed", "disabled"}) {
            double base = score("UpdaterBench.baseline", "jfr", jfr);
            double u = score("UpdaterBench.onPreloadSegment", "jfr", jfr);
            double w = score("UpdaterBench.onPreloadSegmentWithContext", "jfr", jfr);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", jfr,
                    pm(find("UpdaterBench.baseline", "jfr", jfr)), pm(find("UpdaterBench.onPreloadSegment", "jfr", jfr)),
                    f(u - base), f(score("UpdaterBench.onPreloadSegment:gc.alloc.rate.norm", "jfr", jfr)),
                    pm(find("UpdaterBench.onPreloadSegmentWithContext", "jfr", jfr)), f(w - base),
                    f(score("UpdaterBench.onPreloadSegmentWithContext:gc.alloc.rate.norm", "jfr", jfr)),
                    pm(find("UpdaterBench.jfrCommitOnly", "jfr", jfr)),
                    pm(find("UpdaterBench.jfrDocumentedUsage", "jfr", jfr)),
                    f(score("UpdaterBench.jfrDocumentedUsage:gc.alloc.rate.norm", "jfr", jfr)));
        }
        double base = score("UpdaterBench.baseline", "jfr", "off");
        double off = score("UpdaterBench.onPreloadSegment", "jfr", "off");
        double offB = score("UpdaterBench.onPreloadSegment:gc.alloc.rate.norm", "jfr", "off");
        double on = score("UpdaterBench.onPreloadSegment", "jfr", "committed");
        double onCtx = score("UpdaterBench.onPreloadSegmentWithContext", "jfr", "committed");
        double offCtx = score("UpdaterBench.onPreloadSegmentWithContext", "jfr", "off");
        System.out.println();
        System.out.printf(Locale.ROOT, "- JFR off: updater − baseline = %s ns (target ≤ 5), %s B/op (target 0): %s%n",
                f(off - base), f(offB), verdict(off - base <= 5 && !(offB > 0.5)));
        System.out.printf(Locale.ROOT, "- events committed / JFR off = %s (short overload), %s (with context) (target ≤ 1.5): %s%n",
                f(on / off), f(onCtx / offCtx), verdict(on / off <= 1.5 && onCtx / offCtx <= 1.5));
        System.out.printf(Locale.ROOT, "- event disabled by the .jfc / JFR off = %s%n%n",
                f(score("UpdaterBench.onPreloadSegment", "jfr", "disabled") / off));
        seamBeforeAfter();
        jfrCommit();
    }

    /** The seam (OperationType) against the per-operation updater it replaced, same run, same JVM. */
    private void seamBeforeAfter() {
        if (find("UpdaterBench.legacyOnPreloadSegment", null, null) == null) {
            return;
        }
        System.out.println("Before/after the seam, same run (ns/op; after ÷ before):\n");
        System.out.println("| jfr | call | before (aad1815) | after (seam) | after ÷ before |");
        System.out.println("|---|---|---:|---:|---:|");
        for (String jfr : new String[] {"off", "committed", "disabled"}) {
            for (String[] call : new String[][] {{"short", "onPreloadSegment", "legacyOnPreloadSegment"},
                    {"with context", "onPreloadSegmentWithContext", "legacyOnPreloadSegmentWithContext"}}) {
                double after = score("UpdaterBench." + call[1], "jfr", jfr);
                double before = score("UpdaterBench." + call[2], "jfr", jfr);
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", jfr, call[0],
                        pm(find("UpdaterBench." + call[2], "jfr", jfr)), pm(find("UpdaterBench." + call[1], "jfr", jfr)),
                        f(after / before));
            }
        }
        System.out.println();
    }

    private void jfrCommit() {
        if (find("JfrCommitBench.noStrings", null, null) == null) {
            return;
        }
        System.out.println("JFR's own cost of one commit, no clock read (ns/op): ");
        System.out.println();
        System.out.println("| event carries | ns/op |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| longs only | %s |%n| + status \"OK\" | %s |%n| + status and a 48-char path | %s |%n%n",
                pm(find("JfrCommitBench.noStrings", null, null)), pm(find("JfrCommitBench.status", null, null)),
                pm(find("JfrCommitBench.statusAndPath", null, null)));
    }

    private void record() {
        Row ours = find("RecordBench.operation64", null, null);
        if (ours == null) {
            return;
        }
        Row legacy = find("RecordBench.legacyOperation64", null, null);
        if (legacy != null) {
            System.out.printf(Locale.ROOT, "Operation64.record before (aad1815) %s, after (any outcome enum) %s ns/op: after ÷ before %s%n%n",
                    pm(legacy), pm(ours), f(ours.score() / legacy.score()));
        }
        String[][] peers = {
            {"operation64", "**ours: `Operation64.record`**"},
            {"hdrRecorder", "HdrHistogram `Recorder.recordValue`"},
            {"hdrSingleWriterRecorder", "HdrHistogram `SingleWriterRecorder.recordValue`"},
            {"prometheusClassic", "Prometheus `Histogram.observe`, classic only"},
            {"prometheusDefault", "Prometheus `Histogram.observe`, default (classic + native)"},
            {"micrometerTimer", "Micrometer `Timer.record` (default)"},
            {"micrometerTimerPercentiles", "Micrometer `Timer.record`, 4 percentiles"},
            {"dropwizardTimer", "Dropwizard `Timer.update`"},
            {"longAdderPair", "`LongAdder` × 2 (count, sum)"},
            {"opaquePair", "floor: `(count, sum)` with `setOpaque`"},
            {"bucketIndex", "our bucket math alone (`LogLinearBuckets.indexOf`)"},
        };
        System.out.println("## 2. One record, no clock (ns/op)\n");
        System.out.println("| record call | ns/op | B/op | ÷ ours |");
        System.out.println("|---|---:|---:|---:|");
        boolean fastest = true;
        for (String[] p : peers) {
            Row r = find("RecordBench." + p[0], null, null);
            if (r == null) {
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", p[1], pm(r),
                    f(score("RecordBench." + p[0] + ":gc.alloc.rate.norm", null, null)), f(r.score / ours.score));
            if (!p[0].equals("operation64") && !p[0].equals("opaquePair") && !p[0].equals("bucketIndex")
                    && r.score <= ours.score) {
                fastest = false;
                System.out.printf("%n  (ours is not faster than %s)%n", p[0]);
            }
        }
        double floor = score("RecordBench.opaquePair", null, null);
        System.out.println();
        System.out.printf(Locale.ROOT, "- faster than every peer: %s%n", verdict(fastest));
        System.out.printf(Locale.ROOT, "- ours ÷ the `(count, sum)` floor = %s (target ≤ 4): %s%n%n",
                f(ours.score / floor), verdict(ours.score / floor <= 4));
    }

    private double groupSum(String group, String... methods) {
        double sum = 0;
        for (String m : methods) {
            sum += score("FalseSharingBench." + group + ":" + m, null, null);
        }
        return sum;
    }

    private void falseSharing() {
        if (find("FalseSharingBench.padded", null, null) == null && find("FalseSharingBench.paddedWithReader", null, null) == null) {
            return;
        }
        System.out.println("## 3. False sharing: two writers (preload, finish), ± one snapshotting reader (ops/µs)\n");
        System.out.println("| layout | threads | writers' ops/µs (preload + finish) | reader snapshots/µs | padded ÷ unpadded |");
        System.out.println("|---|---|---:|---:|---:|");
        double p = groupSum("padded", "paddedPreloadOnly", "paddedFinishOnly");
        double u = groupSum("unpadded", "unpaddedPreloadOnly", "unpaddedFinishOnly");
        double pr = groupSum("paddedWithReader", "paddedPreload", "paddedFinish");
        double ur = groupSum("unpaddedWithReader", "unpaddedPreload", "unpaddedFinish");
        System.out.printf(Locale.ROOT, "| padded | 2 writers | %s | – | %s |%n", f(p), f(p / u));
        System.out.printf(Locale.ROOT, "| unpadded | 2 writers | %s | – | |%n", f(u));
        System.out.printf(Locale.ROOT, "| padded | 2 writers + reader | %s | %s | %s |%n", f(pr),
                f(score("FalseSharingBench.paddedWithReader:paddedReader", null, null)), f(pr / ur));
        System.out.printf(Locale.ROOT, "| unpadded | 2 writers + reader | %s | %s | |%n%n", f(ur),
                f(score("FalseSharingBench.unpaddedWithReader:unpaddedReader", null, null)));
        System.out.printf(Locale.ROOT, "- padded ≥ 2 × unpadded with the reader: %s (%s×); without: %s (%s×)%n",
                verdict(pr / ur >= 2), f(pr / ur), verdict(p / u >= 2), f(p / u));
        double one = score("FalseSharingBench.oneWriter", null, null); // a 1-thread group: its total is its score
        if (!Double.isNaN(one)) {
            double parallel = p / one;
            System.out.printf(Locale.ROOT, "- control: one writer alone %s ops/µs; the padded pair ran at %s× that%s%n",
                    f(one), f(parallel), parallel < 1.6
                            ? " — **VOID: the two writers did not get a CPU each (another process held one); rerun on an idle machine**"
                            : " (the writers ran in parallel)");
        }
        System.out.println();
    }

    private void aggregator() {
        if (find("AggregatorBench.scrapeClientJavaText", null, null) == null) {
            return;
        }
        System.out.println("## 4. Reading the whole aggregator (µs/op)\n");
        System.out.println("| operation | µs/op | B/op |");
        System.out.println("|---|---:|---:|");
        for (String m : new String[] {"snapshotOneMetric", "scrapeHandWritten", "scrapeClientJavaText", "scrapeClientJavaOpenMetrics", "scrapeClientJavaProtobuf", "dump"}) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", m, pm(find("AggregatorBench." + m, null, null)),
                    f(score("AggregatorBench." + m + ":gc.alloc.rate.norm", null, null)));
        }
        System.out.println();
    }

    private void recovery() {
        Row mem = find("RecoveryBench.recover", "mode", "inMemory");
        if (find("RecoveryBench.recover", null, null) == null) {
            return;
        }
        System.out.println("## 5. End to end: one recovery of a page-cached WAL (ms/op)\n");
        System.out.println("| mode | ms/op | MB/s | vs in-memory | B/op |");
        System.out.println("|---|---:|---:|---:|---:|");
        double worst = 0;
        for (String m : new String[] {"loop", "inMemory", "jfr", "jfrStream", "jfrStreamScrape", "agent"}) {
            Row r = find("RecoveryBench.recover", "mode", m);
            if (r == null) {
                continue;
            }
            double mib = Double.parseDouble(r.params.getOrDefault("walMiB", "256"));
            double overhead = mem == null ? Double.NaN : 100 * (r.score / mem.score - 1);
            if (!m.equals("loop")) {
                worst = Math.max(worst, overhead);
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s%% | %s |%n", m, pm(r),
                    f(mib * (1 << 20) / 1e6 / (r.score / 1e3)), f(overhead),
                    f(score("RecoveryBench.recover:gc.alloc.rate.norm", "mode", m)));
        }
        System.out.println();
        Row all = find("RecoveryBench.recover", "mode", "jfrStreamScrape");
        if (mem != null && all != null) {
            double overhead = 100 * (all.score / mem.score - 1);
            // JMH's 99.9 % half-widths, combined as relative errors of a ratio
            double err = 100 * (all.score / mem.score) * Math.hypot(all.error / all.score, mem.error / mem.score);
            String verdict = overhead + err < 0
                    ? "**not resolved**: telemetry cannot make recovery faster, the machine drifted between trials"
                    : overhead + err <= 2 ? "**met**" : overhead - err > 2 ? "**MISSED**"
                    : "**not resolved** by wall-clock time at this run's noise";
            verdict += " (the [cpu] lines of the log give what the telemetry threads took per recovery)";
            System.out.printf(Locale.ROOT, "- overhead with everything on (jfrStreamScrape vs inMemory) = %s %% ± %s %% (target ≤ 2 %%): %s%n%n",
                    f(overhead), f(err), verdict);
        }
    }
}
