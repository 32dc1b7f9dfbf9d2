package io.flashstrike.wal.report.rule.osgi;

import io.flashstrike.wal.report.RuleRecordings;
import io.flashstrike.wal.testsupport.JmcJars;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged plug-in in the OSGi runtime JDK Mission Control is built on: a real Equinox with
 * its extension registry, the JMC core bundles from Maven Central, and
 * target/flashstrike-wal-telemetry-jmc-plugin.jar ({@link OsgiProbe}, in a child JVM). Then the
 * same with broken copies, to show that these assertions notice a bad manifest.
 */
class JmcOsgiIT {
    private static final String OURS = "io.flashstrike.wal.jmc.rules";
    private static final String RULE_ID = "FlashstrikeWalRecovery";
    private static Path stalled;
    private static Path healthy;

    @TempDir
    static Path recordings;

    @BeforeAll
    static void record() throws Exception {
        stalled = RuleRecordings.stalled(recordings.resolve("stalled.jfr"));
        healthy = RuleRecordings.healthy(recordings.resolve("healthy.jfr"));
    }

    @Test
    void theRuleResolvesRegistersAndScoresInEquinox(@TempDir Path tmp) throws Exception {
        String out = probe(tmp, bundles(JmcJars.plugin()));
        assertWorksAsInJmc(out);
    }

    /**
     * Without {@code Require-Bundle: org.openjdk.jmc.flightrecorder.rules} the bundle still
     * resolves and its extension is still found (nothing in OSGi checks what a class needs), but
     * IRule is not visible to its class loader: ServiceLoader's hasNext() throws
     * NoClassDefFoundError, which ExtensionRuleProvider does not catch (it catches only
     * ServiceConfigurationError from next()).
     */
    @Test
    void droppingTheRulesRequirementLosesTheRule(@TempDir Path tmp) throws Exception {
        Path broken = withRequireBundle(JmcJars.plugin(), tmp.resolve("broken.jar"),
                "org.openjdk.jmc.common,org.openjdk.jmc.flightrecorder");
        String out = probe(tmp, bundles(broken));
        assertTrue(out.contains("bundle " + OURS + " ACTIVE"), out);
        assertTrue(out.contains("extension " + OURS), out);
        assertTrue(out.contains("probe-error java.lang.NoClassDefFoundError: org/openjdk/jmc/flightrecorder/rules/IRule"), out);
        assertThrows(AssertionFailedError.class, () -> assertWorksAsInJmc(out));
    }

    /** A requirement the runtime cannot meet (here: JMC core without lz4-java) leaves our bundle unresolved. */
    @Test
    void aMissingRequiredBundleDoesNotResolve(@TempDir Path tmp) throws Exception {
        List<Path> jars = bundles(JmcJars.plugin());
        assertTrue(jars.remove(JmcJars.onClassPath("lz4-java-")));
        String out = probe(tmp, jars);
        assertTrue(out.contains("bundle org.openjdk.jmc.common INSTALLED"), out);
        assertTrue(out.contains("bundle " + OURS + " INSTALLED"), out);
        assertTrue(out.contains("unresolved " + OURS + ":"), out);
        assertFalse(out.contains("extension " + OURS), "an unresolved bundle contributes no extension: " + out);
        assertThrows(AssertionFailedError.class, () -> assertWorksAsInJmc(out));
    }

    /** Every bundle active, our extension found, our rule loaded from our bundle, both verdicts right. */
    private static void assertWorksAsInJmc(String out) {
        for (String line : out.lines().filter(l -> l.startsWith("bundle ")).toList()) {
            assertTrue(line.endsWith(" ACTIVE"), line + "\n" + out);
        }
        assertEquals(8, out.lines().filter(l -> l.startsWith("bundle ")).count(), out);
        assertFalse(out.contains("unresolved"), out);
        assertTrue(out.lines().anyMatch(("extension " + OURS)::equals), out);
        assertTrue(out.lines().anyMatch(("rule " + RULE_ID + " io.flashstrike.wal.report.rule.WalRecoveryRule loader=" + OURS)::equals), out);
        assertFalse(out.contains("rule-error") || out.contains("probe-error"), out);
        assertTrue(out.lines().anyMatch(("severity stalled.jfr " + RULE_ID + " WARNING")::equals), out);
        assertTrue(out.lines().anyMatch(("severity healthy.jfr " + RULE_ID + " OK")::equals), out);
        assertTrue(out.contains("stopped true"), out);
    }

    private static List<Path> bundles(Path plugin) {
        List<Path> jars = new ArrayList<>(JmcJars.onClassPath(JmcJars.REGISTRY));
        jars.addAll(JmcJars.onClassPath(JmcJars.CORE));
        jars.add(plugin);
        return jars;
    }

    /** Runs {@link OsgiProbe} with only the framework jar and the test classes on its class path. */
    private static String probe(Path tmp, List<Path> jars) throws Exception {
        Path testClasses = Path.of(OsgiProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", JmcJars.onClassPath(JmcJars.FRAMEWORK) + File.pathSeparator + testClasses,
                OsgiProbe.class.getName(), tmp.resolve("osgi-storage").toString(), stalled + "," + healthy));
        jars.forEach(j -> cmd.add(j.toString()));
        Path log = tmp.resolve("probe.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the OSGi probe did not finish: " + Files.readString(log));
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** A copy of {@code jar} whose manifest says {@code requireBundle} instead; every other entry as it was. */
    static Path withRequireBundle(Path jar, Path copy, String requireBundle) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Require-Bundle"), requireBundle);
            try (OutputStream file = Files.newOutputStream(copy); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME) || entry.getName().equals("META-INF/")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream body = in.getInputStream(entry)) {
                        body.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
