package io.flashstrike.wal.agent;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * target/flashstrike-wal-agent.jar as an operator deploys it: one jar, every third-party class
 * relocated, nothing the agent reaches left out; copied alone into an empty directory and put
 * beside a host application that has its own client_java (1.3.x, its own registry and HTTPServer),
 * its own snakeyaml-engine (2.x) and our library on its class path.
 */
class AgentJarIT {
    private static final Pattern AGENT_URL = Pattern.compile("flashstrike-wal agent: serving (http://\\S+/metrics)");
    private static final Pattern HOST_URL = Pattern.compile("host metrics: (http://\\S+/metrics)");
    private static final Path HOST_LIB = PackagedCli.ROOT.resolve("target/host-lib");
    private static final Path HOST_SOURCE = PackagedCli.ROOT.resolve("src/test/resources/host/HostApp.java");

    @TempDir
    Path tmp;

    @BeforeAll
    static void artifacts() {
        PackagedCli.requireJar();
        assertTrue(Files.isDirectory(HOST_LIB), HOST_LIB + " is missing: the build's pre-integration-test copies it");
    }

    @Test
    void oneJarWithEveryThirdPartyClassRelocatedAndNoClassPath() throws Exception {
        try (JarFile jar = new JarFile(PackagedCli.AGENT_JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(WalAgent.class.getName(), main.getValue("Premain-Class"));
            assertEquals(WalAgent.class.getName(), main.getValue("Agent-Class"));
            assertEquals(null, main.getValue("Class-Path"), "the agent must not reach for jars beside it");
            assertEquals(BuildInfo.VERSION, main.getValue("Implementation-Version"));
            Map<String, Integer> shaded = new HashMap<>();
            List<String> foreign = new ArrayList<>();
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String name = e.getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                String path = name.replaceFirst("^META-INF/versions/\\d+/", "");
                if (!path.startsWith("io/flashstrike/wal/") || path.startsWith("io/flashstrike/wal/cli/")
                        || path.startsWith("io/flashstrike/wal/report/")) {
                    foreign.add(name);
                } else if (path.startsWith("io/flashstrike/wal/shaded/")) {
                    shaded.merge(path.split("/")[4] + "." + path.split("/")[5], 1, Integer::sum);
                }
            }
            assertEquals(List.of(), foreign, "classes outside our package, or of the CLI and report, in the agent jar");
            for (String library : List.of("io.prometheus", "org.snakeyaml", "org.bouncycastle", "org.eclipse", "org.slf4j")) {
                assertTrue(shaded.getOrDefault(library, 0) > 0, library + " relocated into the jar: " + shaded);
            }
        }
    }

    /** jdeps over the jar: every class reachable from the agent's entry point is in the jar or the JDK. */
    @Test
    void everyClassTheAgentReachesIsInTheJar() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "-filter:none", "-verbose:class", "--multi-release", Integer.toString(Runtime.version().feature()),
                PackagedCli.AGENT_JAR.toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Pattern edge = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.*)$");
        Map<String, Set<String>> deps = new HashMap<>();
        Set<String> notFound = new HashSet<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            Matcher m = edge.matcher(line);
            if (m.matches()) {
                deps.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
                if (m.group(3).trim().equals("not found")) {
                    notFound.add(m.group(2));
                }
            }
        }
        Deque<String> todo = new ArrayDeque<>(List.of(WalAgent.class.getName()));
        Set<String> reached = new HashSet<>(todo);
        Set<String> missing = new TreeSet<>();
        while (!todo.isEmpty()) {
            for (String d : deps.getOrDefault(todo.pop(), Set.of())) {
                if (notFound.contains(d)) {
                    if (!d.startsWith("javax.annotation.")) { // annotations only, absent at run time by design
                        missing.add(d);
                    }
                } else if (reached.add(d)) {
                    todo.push(d);
                }
            }
        }
        assertTrue(reached.size() > 500, "the walk reached " + reached.size() + " classes: is jdeps' output as expected?");
        assertEquals(Set.of(), missing, "classes the agent reaches but the jar lacks (a shade filter left them out)");
    }

    @Test
    void copiedAloneItServesBesideAHostWithItsOwnClientJavaSnakeyamlAndOurLibrary() throws Exception {
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(5).segmentSize(64 << 10).payloadSize(100).generate();
        Path agentDir = Files.createDirectories(tmp.resolve("opt/agent"));
        Path agent = Files.copy(PackagedCli.AGENT_JAR, agentDir.resolve("flashstrike-wal-agent.jar"));
        Path app = Files.createDirectories(tmp.resolve("app/lib"));
        try (var libs = Files.list(HOST_LIB)) {
            for (Path lib : libs.toList()) {
                Files.copy(lib, app.resolve(lib.getFileName()));
            }
        }
        Files.copy(PackagedCli.LIBRARY_JAR, app.resolve("flashstrike-wal-telemetry-" + BuildInfo.VERSION + ".jar"));
        Path source = Files.copy(HOST_SOURCE, tmp.resolve("app/HostApp.java"));
        Path stop = tmp.resolve("stop");
        Path out = tmp.resolve("host.out");
        Path err = tmp.resolve("host.err");
        Process host = new ProcessBuilder(PackagedCli.java().toString(), "-javaagent:" + agent + "=port=0",
                "-cp", app + "/*", source.toString(), wal.toString(), stop.toString())
                .directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            String hostUrl = url(HOST_URL, ChildJvm.awaitOutput(out, "host metrics: ", Duration.ofSeconds(60)));
            String agentUrl = url(AGENT_URL, ChildJvm.awaitOutput(err, "flashstrike-wal agent: serving ", Duration.ofSeconds(60)));
            String own = Exposition.scrape(hostUrl);
            assertTrue(own.contains("host_requests_total 3.0"), "the host's client_java serves its own counter:\n" + own);
            assertFalse(own.contains("flashstrike_wal"), "the host's registry holds none of ours:\n" + own);
            String served = awaitPreloads(agentUrl, 5);
            assertTrue(served.contains("flashstrike_wal_build_info{jdk=\"" + Runtime.version() + "\",version=\"" + BuildInfo.VERSION + "\"} 1.0"),
                    served);
            assertFalse(served.contains("host_requests"), "the agent's registry holds none of the host's:\n" + served);
            Files.createFile(stop);
            Processes.Result r = Processes.await(host, out, Duration.ofSeconds(60), "the host");
            assertEquals(0, r.exit(), r.output() + Files.readString(err));
            assertTrue(r.output().contains("host yaml: {owner=host}"), r.output());
            assertTrue(r.output().contains("host recovered ") && r.output().contains(", status OK"), r.output());
            List<String> stderr = Files.readAllLines(err);
            assertEquals(1, stderr.size(), "the agent's one line and nothing else (no LinkageError, no warning of a shaded library): " + stderr);
            assertTrue(stderr.get(0).startsWith("flashstrike-wal agent: serving " + agentUrl + " "), stderr.get(0));
        } finally {
            Processes.destroy(host);
        }
    }

    private static String awaitPreloads(String url, int segments) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Exposition.scrape(url);
            if (Exposition.sum(text, "flashstrike_wal_preload_segment_total", "outcome=\"success\"") == segments) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the agent did not serve " + segments + " successful preloads in 30 s:\n" + text);
    }

    private static String url(Pattern line, String output) {
        Matcher m = line.matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }
}
