package io.flashstrike.wal.monitoring;

import io.flashstrike.wal.report.rule.WalRecoveryRule;
import io.flashstrike.wal.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mixin under {@code monitoring/}: promtool accepts the rule files and passes their unit tests,
 * every alert follows the conventions and has a firing and a silent case, and the alerts' numbers
 * are the JMC rule's (one source of truth: the rule's preference defaults).
 */
class MonitoringMixinTest {
    private static final Path DIR = Path.of("monitoring");
    private static final Pattern ALERT = Pattern.compile("^      - alert: (\\S+)$", Pattern.MULTILINE);

    @Test
    void promtoolChecksTheRulesAndPassesTheirUnitTests(@TempDir Path tmp) throws Exception {
        String check = promtool(tmp, "check", "rules", DIR.resolve("alerts.yml").toString(), DIR.resolve("rules.yml").toString());
        assertTrue(check.contains("SUCCESS: 8 rules found") && check.contains("SUCCESS: 4 rules found"), check);
        List<String> tests = new ArrayList<>();
        try (var files = Files.list(DIR.resolve("tests"))) {
            files.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(f -> tests.add(f.toString()));
        }
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(tests);
        String out = promtool(tmp, args.toArray(String[]::new));
        assertEquals(tests.size(), count(out, "  SUCCESS"), out);
    }

    @Test
    void everyAlertHasThePrefixASeverityAnnotationsAndAFiringAndASilentTest() throws Exception {
        String alerts = Files.readString(DIR.resolve("alerts.yml"));
        String tests = Files.readString(DIR.resolve("tests").resolve("alerts_test.yml"));
        List<String> names = new ArrayList<>();
        Matcher m = ALERT.matcher(alerts);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertEquals(8, names.size(), names.toString());
        for (String[] block : blocks(alerts, names)) {
            String name = block[0];
            String body = block[1];
            assertTrue(name.matches("FlashstrikeWal[A-Z][A-Za-z]+"), name);
            assertTrue(body.matches("(?s).*severity: (critical|warning|info)\n.*"), name + " has no severity");
            assertTrue(body.contains("summary: ") && body.contains("description: "), name + " lacks summary/description");
            boolean fires = Pattern.compile("alertname: " + name + "\n\\s+exp_alerts:\n\\s+- exp_labels").matcher(tests).find();
            boolean silent = tests.contains("alertname: " + name + ", exp_alerts: []")
                    || Pattern.compile("alertname: " + name + "\n\\s+exp_alerts: \\[]").matcher(tests).find();
            assertTrue(fires, name + ": no test case where it fires");
            assertTrue(silent, name + ": no test case where it stays silent");
        }
    }

    @Test
    void thePreloaderThresholdsAreTheJmcRulesDefaults() throws Exception {
        String alerts = Files.readString(DIR.resolve("alerts.yml"));
        assertEquals(share(WalRecoveryRule.STALL_WARNING.getDefaultValue()), threshold(alerts, "FlashstrikeWalPreloaderBehindReplay", ">"));
        // the rule's INFO is advice in the report, not an alert: a healthy run may reach it (ReplayBlockedFigureTest)
        assertFalse(alerts.contains("> " + share(WalRecoveryRule.STALL_INFO.getDefaultValue())), alerts);
        assertEquals(WalRecoveryRule.FAILURE_WARNING.getDefaultValue().doubleValueIn(UnitLookup.NUMBER_UNITY),
                threshold(alerts, "FlashstrikeWalPreloadFailures", ">="));
        assertEquals(WalRecoveryRule.FINISH_WARNING.getDefaultValue().doubleValueIn(UnitLookup.SECOND),
                threshold(alerts, "FlashstrikeWalSlowFinish", ">"));
    }

    private static double share(IQuantity percentage) {
        return percentage.doubleValueIn(UnitLookup.PERCENT_UNITY);
    }

    /** The number after the last {@code op} in the alert's expression. */
    private static double threshold(String alerts, String alert, String op) {
        int at = alerts.indexOf("- alert: " + alert + "\n");
        assertTrue(at >= 0, alert);
        String expr = alerts.substring(at, alerts.indexOf("labels:", at));
        Matcher m = Pattern.compile(Pattern.quote(op) + " ([0-9.]+)").matcher(expr);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertFalse(last == null, alert + ": no '" + op + " N' in " + expr);
        return Double.parseDouble(last);
    }

    private static List<String[]> blocks(String alerts, List<String> names) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int from = alerts.indexOf("- alert: " + names.get(i) + "\n");
            int to = i + 1 < names.size() ? alerts.indexOf("- alert: " + names.get(i + 1) + "\n") : alerts.length();
            out.add(new String[] {names.get(i), alerts.substring(from, to)});
        }
        return out;
    }

    private static String promtool(Path tmp, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Promtool.require().toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "promtool", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("promtool hung: " + String.join(" ", cmd));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
