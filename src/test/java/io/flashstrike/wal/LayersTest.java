package io.flashstrike.wal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of docs/DESIGN.md, held over the compiled classes by the JDK's own {@code jdeps}
 * (class by class, every version of the multi-release classes): the telemetry core reaches the
 * JDK alone; the segment format reaches no telemetry package; recovery sits on both; stream,
 * export, agent, report and cli sit above, and nothing below reaches up. jdeps rather than
 * ArchUnit: it ships with the JDK, reads exactly what the JVM will link, and adds no dependency.
 * A new package fails here until it is given its layer.
 */
class LayersTest {
    private static final String CORE = "io.flashstrike.wal.recovery.telemetry";
    private static final List<String> CORE_PACKAGES = List.of(CORE, CORE + ".internal", CORE + ".jfr");
    private static final List<String> JDK_ONLY = List.of("java.", "jdk.");
    /** What the core may not reach although it is the JDK's: reading events back is the stream's business. */
    private static final List<String> NOT_IN_CORE = List.of("jdk.jfr.consumer.");

    /** Package (or package prefix, longest wins) → what it may reach besides itself and the JDK. */
    private static final Map<String, Layer> LAYERS = new LinkedHashMap<>();

    /** @param jdk the JDK package prefixes it may reach (null: any); {@code ours} our packages; {@code others} third-party prefixes */
    private record Layer(List<String> jdk, Set<String> ours, List<String> others, List<String> denied) {
        Layer(List<String> jdk, Set<String> ours, List<String> others) {
            this(jdk, ours, others, List.of());
        }
    }

    static {
        LAYERS.put(CORE + ".internal", new Layer(JDK_ONLY, Set.of(), List.of(), NOT_IN_CORE));
        LAYERS.put(CORE + ".jfr", new Layer(JDK_ONLY, Set.of(CORE + ".internal"), List.of(), NOT_IN_CORE));
        // javax.management: the blocks as platform MBeans (TelemetryMBeans), still the JDK alone.
        LAYERS.put(CORE, new Layer(List.of("java.", "jdk.", "javax.management."), Set.of(CORE + ".internal", CORE + ".jfr"),
                List.of(), NOT_IN_CORE));
        // sun.misc: Unsafe.invokeCleaner unmaps on JDK 17-21 (module jdk.unsupported).
        LAYERS.put("io.flashstrike.wal.segment", new Layer(List.of("java.", "jdk.", "sun.misc."), Set.of(), List.of()));
        LAYERS.put("io.flashstrike.wal.recovery", new Layer(JDK_ONLY, union(CORE_PACKAGES, "io.flashstrike.wal.segment"), List.of()));
        LAYERS.put("io.flashstrike.wal.stream", new Layer(null, Set.copyOf(CORE_PACKAGES), List.of()));
        LAYERS.put("io.flashstrike.wal.export", new Layer(null, Set.copyOf(CORE_PACKAGES),
                List.of("io.prometheus.metrics.", "org.snakeyaml.engine.", "org.bouncycastle.", "org.eclipse.jetty.")));
        LAYERS.put("io.flashstrike.wal.agent", new Layer(null,
                union(CORE_PACKAGES, "io.flashstrike.wal.export", "io.flashstrike.wal.stream"), List.of()));
        // The JMC plug-in's package: JMC's API alone, so the bundle needs nothing of ours.
        LAYERS.put("io.flashstrike.wal.report.rule", new Layer(null, Set.of(), List.of("org.openjdk.jmc.")));
        LAYERS.put("io.flashstrike.wal.report", new Layer(null,
                union(CORE_PACKAGES, "io.flashstrike.wal.segment", "io.flashstrike.wal.report.rule"), List.of("org.openjdk.jmc.")));
        LAYERS.put("io.flashstrike.wal.cli", new Layer(null, Set.of("*"), List.of("picocli.", "io.prometheus.metrics.model.")));
    }

    @Test
    void everyDependencyGoesDownTheLayers() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Set<String> violations = new TreeSet<>();
        for (String release : List.of("17", Integer.toString(Math.max(22, Runtime.version().feature())))) {
            out.reset();
            int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    "-filter:none", "-verbose:class", "--multi-release", release, Path.of("target/classes").toString());
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            Pattern edge = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");
            int edges = 0;
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                Matcher m = edge.matcher(line);
                if (m.find()) {
                    edges++;
                    String problem = check(m.group(1), m.group(2));
                    if (problem != null) {
                        violations.add(problem);
                    }
                }
            }
            assertTrue(edges > 1000, "jdeps listed " + edges + " class dependencies for release " + release + ": is its output as expected?");
        }
        assertEquals(Set.of(), violations, "dependencies against the layers of docs/DESIGN.md");
    }

    /** @return why {@code from -> to} breaks a layer, or null */
    private static String check(String from, String to) {
        String fromPackage = packageOf(from);
        String toPackage = packageOf(to);
        if (fromPackage.equals(toPackage)) {
            return null;
        }
        Layer layer = layerOf(fromPackage);
        if (layer == null) {
            return fromPackage + " has no layer in LayersTest (" + from + ")";
        }
        if (layer.denied().stream().anyMatch((toPackage + ".")::startsWith)) {
            return from + " -> " + to + ": " + fromPackage + " may not reach " + toPackage;
        }
        if (isJdk(toPackage)) {
            return layer.jdk() == null || layer.jdk().stream().anyMatch((toPackage + ".")::startsWith)
                    ? null : from + " -> " + to + ": this layer reaches " + layer.jdk() + " of the JDK only";
        }
        if (toPackage.startsWith("io.flashstrike.")) {
            if (layer.ours().contains("*") || layer.ours().contains(toPackage)) {
                return null;
            }
            return from + " -> " + to + ": " + fromPackage + " may not reach " + toPackage;
        }
        return layer.others().stream().anyMatch((toPackage + ".")::startsWith) ? null
                : from + " -> " + to + ": " + fromPackage + " may not reach the library " + toPackage;
    }

    private static Layer layerOf(String pkg) {
        String best = null;
        for (String prefix : LAYERS.keySet()) {
            if ((pkg.equals(prefix) || pkg.startsWith(prefix + ".")) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? null : LAYERS.get(best);
    }

    private static boolean isJdk(String pkg) {
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")
                || pkg.startsWith("com.sun.");
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static Set<String> union(List<String> a, String... b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(List.of(b));
        return s;
    }
}
