package io.flashstrike.wal.report.rule;

import io.flashstrike.wal.report.RuleRecordings;
import io.flashstrike.wal.testsupport.JmcJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JMC's own headless report, {@code org.openjdk.jmc.flightrecorder.rules.report.JfrRulesReport}
 * (in the JMC rules jar), run as the README tells a user with JMC's jars but not our CLI: a child
 * JVM whose class path is the JMC core jars and our plug-in jar, nothing else.
 */
class JfrRulesReportIT {
    private static final String MAIN = "org.openjdk.jmc.flightrecorder.rules.report.JfrRulesReport";
    private static final String RULE_ID = "FlashstrikeWalRecovery";

    @Test
    void jmcsReportRunsOurRuleFromThePluginJar(@TempDir Path tmp) throws Exception {
        Path stalled = RuleRecordings.stalled(tmp.resolve("stalled.jfr"));
        Path healthy = RuleRecordings.healthy(tmp.resolve("healthy.jfr"));
        String xml = report(tmp, true, stalled.toString(), healthy.toString());
        Map<String, String> severity = severities(xml);
        assertEquals("Warning", severity.get("stalled.jfr"), xml);
        assertEquals("OK", severity.get("healthy.jfr"), xml);

        String text = report(tmp, true, "-format", "text", stalled.toString());
        assertTrue(text.contains("Rule: Flashstrike WAL recovery\nSeverity: Warning"), text);
    }

    /** The rule comes from the plug-in jar, not from anything else on that class path. */
    @Test
    void withoutThePluginJarTheRuleIsAbsent(@TempDir Path tmp) throws Exception {
        Path stalled = RuleRecordings.stalled(tmp.resolve("stalled.jfr"));
        String xml = report(tmp, false, stalled.toString());
        assertTrue(xml.contains("<reportcollection"), xml);
        assertFalse(xml.contains(RULE_ID), xml);
    }

    private static String report(Path tmp, boolean withPlugin, String... args) throws Exception {
        List<Path> cp = new ArrayList<>(JmcJars.onClassPath(JmcJars.CORE));
        if (withPlugin) {
            cp.add(JmcJars.plugin());
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)), MAIN));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "report", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "JfrRulesReport did not finish: " + Files.readString(out));
            String s = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), s);
            return s;
        } finally {
            p.destroyForcibly();
        }
    }

    /** File name to our rule's severity, from JfrRulesReport's XML (report/file, report/rule/id, severity). */
    private static Map<String, String> severities(String xml) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.substring(xml.indexOf("<?xml")).getBytes(StandardCharsets.UTF_8)));
        Map<String, String> bySeverity = new HashMap<>();
        NodeList reports = doc.getElementsByTagName("report");
        for (int i = 0; i < reports.getLength(); i++) {
            Element report = (Element) reports.item(i);
            String file = Path.of(text(report, "file")).getFileName().toString();
            NodeList rules = report.getElementsByTagName("rule");
            for (int j = 0; j < rules.getLength(); j++) {
                Element rule = (Element) rules.item(j);
                if (RULE_ID.equals(text(rule, "id"))) {
                    bySeverity.put(file, text(rule, "severity"));
                }
            }
        }
        return bySeverity;
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagName(child).item(0).getTextContent().trim();
    }
}
