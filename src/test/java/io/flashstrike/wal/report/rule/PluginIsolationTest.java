package io.flashstrike.wal.report.rule;

import io.flashstrike.wal.report.RuleRecordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RunnableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK Mission Control plug-in holds only the rule package and its services file (the pom's
 * {@code jmc-plugin} execution). Here exactly that content is loaded in a class loader that sees
 * the JMC core libraries and nothing else of this project, nor the JDK rules: the rule registry
 * must find it and it must score a recording, as it would inside Mission Control.
 */
class PluginIsolationTest {
    private static final String PACKAGE_DIR = "io/flashstrike/wal/report/rule";
    private static final String SERVICES = "META-INF/services/org.openjdk.jmc.flightrecorder.rules.IRule";

    @Test
    void theRulePackageAloneIsFoundAndScoresARecording(@TempDir Path tmp) throws Exception {
        Path classes = Path.of(WalRecoveryRule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path plugin = tmp.resolve("plugin");
        copy(classes.resolve(PACKAGE_DIR), plugin.resolve(PACKAGE_DIR));
        Files.createDirectories(plugin.resolve(SERVICES).getParent());
        Files.copy(classes.resolve(SERVICES), plugin.resolve(SERVICES));

        List<URL> urls = new ArrayList<>(List.of(plugin.toUri().toURL()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean jmcCore = name.startsWith("common-") || name.startsWith("flightrecorder-")
                    || name.startsWith("flightrecorder.rules-");
            if (jmcCore || name.startsWith("encoder-") || name.startsWith("lz4-java-")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertEquals(6, urls.size(), "the plug-in, JMC common, flightrecorder, flightrecorder.rules, owasp encoder, lz4: " + urls);

        Path recording = RuleRecordings.stalled(tmp.resolve("stalled.jfr"));
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertFalse(visible(loader, "io.flashstrike.wal.report.RecordingReport"), "the rest of the project is not there");
            assertFalse(visible(loader, "org.openjdk.jmc.flightrecorder.rules.jdk.io.FileReadRule"), "nor the JDK rules");

            Collection<?> rules = (Collection<?>) loader.loadClass("org.openjdk.jmc.flightrecorder.rules.RuleRegistry")
                    .getMethod("getRules").invoke(null);
            assertEquals(1, rules.size(), "only our rule: " + rules);
            Object rule = rules.iterator().next();
            assertEquals(WalRecoveryRule.class.getName(), rule.getClass().getName());
            assertTrue(rule.getClass().getClassLoader() == loader, "loaded from the plug-in content, not the test class path");

            Object items = loader.loadClass("org.openjdk.jmc.flightrecorder.JfrLoaderToolkit")
                    .getMethod("loadEvents", File.class).invoke(null, recording.toFile());
            Class<?> prefsType = loader.loadClass("org.openjdk.jmc.common.util.IPreferenceValueProvider");
            Object defaults = prefsType.getField("DEFAULT_VALUES").get(null);
            Class<?> itemsType = loader.loadClass("org.openjdk.jmc.common.item.IItemCollection");
            Class<?> resultsType = loader.loadClass("org.openjdk.jmc.flightrecorder.rules.IResultValueProvider");
            RunnableFuture<?> evaluation = (RunnableFuture<?>) rule.getClass()
                    .getMethod("createEvaluation", itemsType, prefsType, resultsType).invoke(rule, items, defaults, null);
            evaluation.run();
            Object result = evaluation.get();
            Object severity = loader.loadClass("org.openjdk.jmc.flightrecorder.rules.IResult").getMethod("getSeverity").invoke(result);
            assertEquals("WARNING", severity.toString().toUpperCase());
        }
    }

    private static boolean visible(ClassLoader loader, String name) {
        try {
            loader.loadClass(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }
}
