package io.flashstrike.wal.recovery.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The release this code was built as, and the JDK it runs on: what {@code --version} prints and
 * what every exposition carries as {@code flashstrike_wal_build_info{version,jdk} 1}.
 *
 * <p>The version comes from {@code build.properties} beside this class, filtered by Maven, so it
 * is right in the library jar, the agent jar and in {@code target/classes} alike (a manifest
 * entry would be missing when classes run from a directory).
 */
public final class BuildInfo {
    /** The family name of the build-info gauge. */
    public static final String METRIC = "flashstrike_wal_build_info";
    /** This build's version, e.g. {@code 0.2.0}; {@code unknown} when the resource is missing. */
    public static final String VERSION = readVersion();
    private static final String JDK = Runtime.version().toString();

    private BuildInfo() {
    }

    /** @return the running JDK's version, as {@link Runtime#version()} prints it */
    public static String jdk() {
        return JDK;
    }

    /** Collects {@code flashstrike_wal_build_info{version="…",jdk="…"} 1}. */
    public static void collect(MetricsCollector collector) {
        collector.pushLabel("version", VERSION);
        collector.pushLabel("jdk", jdk());
        collector.gauge(METRIC, "The flashstrike-wal-telemetry version and the JDK serving these metrics; always 1", 1);
        collector.popLabel();
        collector.popLabel();
    }

    private static String readVersion() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
