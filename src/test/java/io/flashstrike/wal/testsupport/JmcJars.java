package io.flashstrike.wal.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jars a JDK Mission Control user has, found on the test class path (Maven put them there),
 * and our packaged plug-in jar. For the integration tests that run JMC's code on the real plug-in.
 */
public final class JmcJars {
    private JmcJars() {
    }

    /** JMC core's bundles in dependency order: what the rule needs, as JMC ships them in plugins/. */
    public static final List<String> CORE = List.of("encoder-", "lz4-java-", "common-", "flightrecorder-", "flightrecorder.rules-");
    /** Eclipse's extension registry and what it needs besides the framework. */
    public static final List<String> REGISTRY = List.of("org.eclipse.equinox.common-", "org.eclipse.equinox.registry-");
    public static final String FRAMEWORK = "org.eclipse.osgi-";

    /** The class path entry whose file name is {@code prefix} followed by a version. */
    public static Path onClassPath(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith(prefix) && name.endsWith(".jar") && Character.isDigit(name.charAt(prefix.length()))) {
                return Path.of(entry);
            }
        }
        throw new AssertionError("no " + prefix + "*.jar on the test class path");
    }

    public static List<Path> onClassPath(List<String> prefixes) {
        List<Path> jars = new ArrayList<>();
        for (String p : prefixes) {
            jars.add(onClassPath(p));
        }
        return jars;
    }

    /**
     * target/flashstrike-wal-telemetry-jmc-plugin.jar, beside target/test-classes. Built by the
     * package phase, so the tests that use it are failsafe's (*IT, integration-test phase).
     */
    public static Path plugin() throws Exception {
        Path testClasses = Path.of(JmcJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = testClasses.getParent().resolve("flashstrike-wal-telemetry-jmc-plugin.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run mvn package (or verify) first");
        return jar;
    }
}
