package io.flashstrike.wal.monitoring;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flashstrike.wal.report.RecordingReport;
import io.flashstrike.wal.report.rule.WalRecoveryRule;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.PrometheusServer;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;
import org.openjdk.jmc.flightrecorder.rules.IResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Replay blocked on the preloader" is one figure: on one real demo run, the CLI summary, the report,
 * the JMC rule, the recording rule, the alert's expression and the dashboard's query (the PromQL
 * through a real Prometheus that scraped the run) agree to rounding, and the alerts say what it
 * says; the default demo, a healthy run, fires no alert with {@code monitoring/alerts.yml} loaded.
 */
class ReplayBlockedFigureTest {
    private static final Path MONITORING = Path.of("monitoring");
    private static final Pattern URL = Pattern.compile("metrics: http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern SUMMARY = Pattern.compile("blocked on preloader: ([0-9.]+) ms = ([0-9.]+) % of replay's busy time");

    /** What one test does with a demo run serving its final values and a Prometheus with our rules and alerts. */
    private interface DemoCheck {
        void check(String out, Path jfr, PrometheusServer prometheus, String alerts) throws Exception;
    }

    /** Runs {@code demo} with {@code sizes}, a Prometheus scraping it with rules.yml and alerts.yml every second. */
    private static void withDemo(Path tmp, List<String> sizes, DemoCheck check) throws Exception {
        PrometheusServer.require();
        Path log = tmp.resolve("demo.log");
        Path jfr = tmp.resolve("demo.jfr");
        List<String> args = new ArrayList<>(List.of("demo"));
        args.addAll(sizes);
        args.addAll(List.of("--jfr", jfr.toString(), "--metrics-port", "0", "--linger", "120"));
        Process demo = ChildJvm.start(List.of(), log, args.toArray(String[]::new));
        try {
            Matcher url = URL.matcher(ChildJvm.awaitOutput(log, "metrics: http://", Duration.ofSeconds(120)));
            assertTrue(url.find(), Files.readString(log));
            String rules = Files.readString(MONITORING.resolve("rules.yml"));
            String alerts = Files.readString(MONITORING.resolve("alerts.yml"));
            String config = PrometheusServer.scrapingEverySecond(Integer.parseInt(url.group(1))).replace("global:\n",
                    "global:\n  evaluation_interval: 1s\n") + "rule_files: [rules.yml, alerts.yml]\n";
            // the recording rule's group every second too, so the test need not wait 15 s for it
            try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"), config,
                    "rules.yml", rules.replace("interval: 15s", "interval: 1s"), "alerts.yml", alerts)) {
                String out = ChildJvm.awaitOutput(log, "serving the final values", Duration.ofSeconds(120));
                // the final values, scraped (the fill counter is set once the first segment arrives)
                prometheus.awaitValue("count_over_time(flashstrike_wal_recover_total{outcome=\"success\"}[1m]) >= 3", 3,
                        Duration.ofSeconds(30));
                check.check(out, jfr, prometheus, alerts);
            }
        } finally {
            Processes.destroy(demo);
        }
    }

    /**
     * The demo as a new user runs it (its defaults: 1 GiB in 32 segments of 32 MiB, a clean log) is
     * a healthy run: with alerts.yml loaded, no alert of any severity fires.
     */
    @Test
    void theDefaultDemoFiresNoAlert(@TempDir Path tmp) throws Exception {
        withDemo(tmp, List.of(), (out, jfr, prometheus, alerts) -> {
            Matcher summary = SUMMARY.matcher(out);
            assertTrue(summary.find(), out);
            // alerts evaluate every second: several rounds have run on the final values by now
            assertEquals(List.of(), prometheus.query("ALERTS"), "the default demo fires no alert; " + summary.group(0));
            System.out.println("default demo: " + summary.group(0) + ", no alert");
        });
    }

    @Test
    void summaryReportRuleRecordingRuleAlertAndDashboardGiveOneFigure(@TempDir Path tmp) throws Exception {
        withDemo(tmp, List.of("--segments", "16", "--segment-size", "4MiB"), (out, jfr, prometheus, alerts) -> {
            Matcher summary = SUMMARY.matcher(out);
            assertTrue(summary.find(), out);
            double summaryShare = Double.parseDouble(summary.group(2)) / 100;

            double report = RecordingReport.load(jfr).replayWait().stalledShare();
            IResult result = new WalRecoveryRule().evaluate(JfrLoaderToolkit.loadEvents(jfr.toFile()),
                    IPreferenceValueProvider.DEFAULT_VALUES);
            IQuantity ruleShare = result.getResult(WalRecoveryRule.STALL_SHARE);
            double rule = ruleShare.doubleValue();

            Map<String, String> promql = new LinkedHashMap<>();
            promql.put("recording rule", "flashstrike_wal:replay_blocked_on_preloader:ratio");
            promql.put("alert FlashstrikeWalPreloaderBehindReplay", alertShare(alerts, "FlashstrikeWalPreloaderBehindReplay"));
            promql.put("dashboard", dashboardQuery("Replay waiting on the preloader (share of busy time)")
                    .replace("$job", ".+").replace("$instance", ".+"));
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("summary", summaryShare);
            figures.put("report", report);
            figures.put("JMC rule", rule);
            for (Map.Entry<String, String> q : promql.entrySet()) {
                figures.put(q.getKey(), awaitOne(prometheus, q.getValue()));
            }
            List<String> apart = new ArrayList<>();
            figures.forEach((name, v) -> {
                // the summary prints 2 decimals of a percentage; the rest are exact but for nanosecond sums
                double tolerance = name.equals("summary") ? 0.00005 + 1e-9 : 1e-6;
                if (Math.abs(v - report) > tolerance) {
                    apart.add(name + " " + v);
                }
            });
            assertTrue(apart.isEmpty(), "one figure, the report's " + report + "; apart: " + apart + " of " + figures
                    + "\n" + out);
            // Whether this small run's figure crosses the rule's 15 % is the machine's (JDK 17 here: under;
            // JDK 25 here: 26 %, 4 MiB segments leaving the single-threaded verification the bottleneck):
            // a timing, so not asserted. Asserted: the alerts say what the figure says.
            System.out.println("replay blocked on the preloader: " + figures);
            List<Double> others = prometheus.query("ALERTS{alertname!=\"FlashstrikeWalPreloaderBehindReplay\"}");
            assertEquals(List.of(), others, "a demo fires no other alert; figures " + figures);
            List<Double> behind = prometheus.query("ALERTS{alertname=\"FlashstrikeWalPreloaderBehindReplay\"}");
            assertEquals(report > 0.15 ? 1 : 0, behind.size(), "the warning fires exactly when the figure is above 15 %: " + figures);
        });
    }

    /** Polls until {@code promql} has one sample; returns it. */
    private static double awaitOne(PrometheusServer prometheus, String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Double> v = prometheus.query(promql);
            if (v.size() == 1) {
                return v.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no single sample for " + promql + " within 30 s: " + prometheus.query(promql));
    }

    /** The alert's expression without its threshold: the share it compares. */
    static String alertShare(String alerts, String name) {
        Matcher m = Pattern.compile("- alert: " + name + "\n\\s+expr: \\|\n(.*?)\n\\s+labels:", Pattern.DOTALL).matcher(alerts);
        assertTrue(m.find(), name);
        String expr = m.group(1).strip();
        assertTrue(expr.matches("(?s).*\\) > 0\\.15$"), expr);
        return expr.replaceFirst(" > 0\\.15$", "");
    }

    private static String dashboardQuery(String title) throws Exception {
        JsonObject dash = JsonParser.parseString(Files.readString(MONITORING.resolve("dashboards/flashstrike-wal.json"))).getAsJsonObject();
        for (JsonElement e : dash.getAsJsonArray("panels")) {
            JsonObject p = e.getAsJsonObject();
            if (title.equals(p.has("title") ? p.get("title").getAsString() : null)) {
                return p.getAsJsonArray("targets").get(0).getAsJsonObject().get("expr").getAsString();
            }
        }
        throw new AssertionError("no panel " + title);
    }
}
