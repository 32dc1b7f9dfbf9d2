package io.flashstrike.wal.agent;

import io.flashstrike.wal.cli.FlashstrikeWal;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as a Java agent, in child JVMs running {@link AgentHostApp}: a program with our
 * updaters and no stream or server code. /metrics from the agent equals the program's own
 * in-memory metrics; bad options and a taken port leave the program as it was; the agent
 * coexists with -XX:StartFlightRecording, initialises no java.util.logging before the program,
 * and attaches to a running JVM.
 */
class AgentIT {
    private static final Pattern URL = Pattern.compile("flashstrike-wal agent: serving (http://\\S+/metrics)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;
    private Path wal;

    @BeforeAll
    static void jar() {
        PackagedCli.requireJar();
    }

    @BeforeEach
    void log() throws Exception {
        wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(5).segmentSize(64 << 10).payloadSize(100).generate();
    }

    /** A running host: its process, stdout and stderr files, and the oracle file it writes. */
    private record Host(Process process, Path out, Path err, Path oracle) {
        String stderr() throws Exception {
            return Files.readString(err);
        }

        /** The agent's own lines on stderr. */
        List<String> agentLines() throws Exception {
            return stderr().lines().filter(l -> l.startsWith("flashstrike-wal agent: ")).toList();
        }

        /** Everything else the program wrote on stderr (JDK 25 warns there about Unsafe, agent or not). */
        List<String> ownLines() throws Exception {
            return stderr().lines().filter(l -> !l.startsWith("flashstrike-wal agent: ")).toList();
        }
    }

    private Host start(String name, List<String> flags, String mode, long stayMs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, "target/test-classes", "target/classes", "target/lib/*"),
                AgentHostApp.class.getName(), wal.toString(), tmp.resolve(name + ".oracle").toString(), Long.toString(stayMs)));
        if (mode != null) {
            cmd.add(mode);
        }
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).directory(PackagedCli.ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Host(p, out, err, tmp.resolve(name + ".oracle"));
    }

    private static String agent(String options) {
        return "-javaagent:" + PackagedCli.AGENT_JAR + (options == null ? "" : "=" + options);
    }

    private static Processes.Result finish(Host h) throws Exception {
        return Processes.await(h.process(), h.out(), Duration.ofSeconds(60), "agent host");
    }

    @Test
    void jvmFlagsAloneServeMetricsEqualToTheProgramsOwn() throws Exception {
        Host plain = start("plain", List.of(), null, 0);
        Processes.Result baseline = finish(plain);
        List<String> baselineErr = plain.ownLines();
        Host h = start("agent", List.of(agent("port=0")), null, 6_000);
        try {
            String url = awaitUrl(h);
            assertTrue(url.startsWith("http://127.0.0.1:"), url);
            Map<String, Double> own = awaitOracle(h);
            Map<String, Double> served = awaitEqual(url, own);
            for (Map.Entry<String, Double> e : own.entrySet()) {
                assertEquals(e.getValue(), served.get(e.getKey()), e.getKey());
            }
            assertTrue(served.keySet().stream().noneMatch(k -> k.startsWith("flashstrike_wal_stream_")),
                    "no JFR stream unless stream=on: " + served.keySet());
            Processes.Result r = finish(h);
            assertEquals(baseline.exit(), r.exit());
            assertEquals(baseline.output(), r.output(), "the program's stdout is unchanged");
            assertEquals(1, h.agentLines().size(), "one line of the agent's on stderr: " + h.stderr());
            assertEquals(baselineErr, h.ownLines(), "the program's own stderr is unchanged");
        } finally {
            Processes.destroy(h.process());
        }
    }

    @Test
    void badOptionsAndATakenPortAreOneLineAndTheProgramRunsOn() throws Exception {
        Host plain = start("plain", List.of(), null, 0);
        Processes.Result baseline = finish(plain);
        List<String> baselineErr = plain.ownLines();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String[][] cases = {
                {"port=99999", "option 'port': '99999' is not a port (0-65535; 0 picks a free one)"},
                {"colour=red", "unknown option 'colour' (known: port, bind, settings, dump-interval, web-config-file, native-histograms, stream)"},
                {"settings=/no/such.jfc", "option 'settings': cannot read /no/such.jfc"},
                {"port=0,settings=" + PackagedCli.ROOT.resolve("jfc/flashstrike-wal.jfc"), "option 'settings' configures the JFR stream: add stream=on"},
                {"port=" + taken.getLocalPort(), "cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort() + ": "},
            };
            for (String[] c : cases) {
                Host h = start("bad", List.of(agent(c[0])), null, 0);
                Processes.Result r = finish(h);
                assertEquals(0, r.exit(), c[0]);
                assertEquals(baseline.output(), r.output(), c[0] + ": the program's stdout is unchanged");
                List<String> lines = h.agentLines();
                assertEquals(1, lines.size(), c[0] + ": " + h.stderr());
                assertEquals(baselineErr, h.ownLines(), c[0] + ": the program's own stderr is unchanged");
                assertTrue(lines.get(0).startsWith("flashstrike-wal agent: " + c[1]), c[0] + ": " + lines.get(0));
                assertTrue(lines.get(0).endsWith("; the application runs without the agent"), lines.get(0));
                Files.delete(h.oracle());
            }
        }
    }

    @Test
    void coexistsWithStartFlightRecordingAndLeavesLoggingToTheProgram() throws Exception {
        Path jfr = tmp.resolve("flags.jfr");
        String jfc = PackagedCli.ROOT.resolve("jfc/flashstrike-wal.jfc").toString();
        Host h = start("both", List.of("-XX:StartFlightRecording:settings=" + jfc + ",filename=" + jfr, agent("port=0,stream=on")),
                "logmanager-later", 8_000);
        try {
            String url = awaitUrl(h);
            Map<String, Double> own = awaitOracle(h);
            Map<String, Double> served = awaitEqual(url, own);
            assertEquals(0.0, served.get("flashstrike_wal_stream_lost_bytes_total{subsystem=\"wal_event_stream\"}"),
                    "stream=on adds what only the stream knows");
            get(url, "application/openmetrics-text; version=1.0.0"); // every format the agent serves, before the program's logging
            Files.createFile(Path.of(h.oracle() + ".logmanager"));
            Processes.Result r = finish(h);
            assertEquals(0, r.exit(), r.output() + h.stderr());
            assertTrue(r.output().contains("log manager: " + AgentHostApp.AppLogManager.class.getName()),
                    "the program installed its own LogManager after the agent ran:\n" + r.output());
        } finally {
            Processes.destroy(h.process());
        }
        long preloads = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME)).count();
        assertEquals(5, preloads, "-XX:StartFlightRecording recorded the events too");
    }

    @Test
    void attachLoadsTheAgentIntoARunningJvmOnceAndSaysSoTheSecondTime() throws Exception {
        List<String> flags = Runtime.version().feature() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
        Host h = start("attached", flags, null, 20_000);
        try {
            Map<String, Double> own = awaitOracle(h); // the recovery ended before the attach: the registry still has it
            Processes.Result first = PackagedCli.run(tmp, "attach", "--pid", Long.toString(h.process().pid()), "--port", "0");
            assertEquals(0, first.exit(), first.output());
            String url = first.output().strip();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/metrics"), first.output());
            Map<String, Double> served = Exposition.samples(get(url, null)); // at once: nothing to wait for
            String w = "wal=\"" + wal.toAbsolutePath() + "\"";
            assertEquals(5.0, served.get("flashstrike_wal_segments_found{subsystem=\"wal_recovery_manager\"," + w + "}"), served.toString());
            assertEquals(5.0, served.get("flashstrike_wal_preload_segment_total{outcome=\"success\",status=\"OK\",subsystem=\"wal_recovery_worker\"," + w + "}"));
            double lsn = own.get("flashstrike_wal_last_valid_lsn{subsystem=\"wal_recovery_manager\"," + w + "}");
            assertTrue(lsn > 0, own.toString());
            assertEquals(lsn, served.get("flashstrike_wal_last_valid_lsn{subsystem=\"wal_recovery_manager\"," + w + "}"));
            for (Map.Entry<String, Double> e : own.entrySet()) {
                assertEquals(e.getValue(), served.get(e.getKey()), e.getKey());
            }
            Processes.Result second = PackagedCli.run(tmp, "attach", "--pid", Long.toString(h.process().pid()), "--port", "0");
            assertEquals(0, second.exit(), second.output());
            assertEquals("already running in pid " + h.process().pid() + ": " + url, second.output().strip());
            assertTrue(h.stderr().contains("flashstrike-wal agent: serving " + url), h.stderr());
            assertTrue(!h.stderr().contains("WARNING: A Java agent has been loaded dynamically"), h.stderr());
        } finally {
            Processes.destroy(h.process());
        }
    }

    /**
     * The JDK's reply to "properties" fails (a bare NullPointerException from the target) when a
     * property is removed while it copies them; attach reads them before and after loading the
     * agent, and must not take that for "cannot load" (seen once in CI on Temurin 25).
     */
    @Test
    void attachSucceedsIntoAHostThatChurnsItsSystemProperties() throws Exception {
        List<String> flags = Runtime.version().feature() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
        Host h = start("churning", flags, "churn-properties", 20_000);
        try {
            awaitOracle(h);
            Processes.Result attach = PackagedCli.run(tmp, "attach", "--pid", Long.toString(h.process().pid()), "--port", "0");
            assertEquals(0, attach.exit(), attach.output());
            String url = attach.output().strip();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/metrics"), attach.output());
            assertTrue(get(url, null).contains("flashstrike_wal_preload_segment_total"), url);
            // each run reads the properties once more: in-process, fast enough to meet the race many times
            for (int i = 0; i < 40; i++) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                CommandLine cli = FlashstrikeWal.commandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.setErr(new PrintWriter(err, true));
                int exit = cli.execute("attach", "--pid", Long.toString(h.process().pid()), "--agent-jar", PackagedCli.AGENT_JAR.toString());
                assertEquals(0, exit, "attach " + i + ": " + out + err);
                assertEquals("already running in pid " + h.process().pid() + ": " + url, out.toString().strip());
            }
        } finally {
            Processes.destroy(h.process());
        }
    }

    @Test
    void twoRecoveriesInOneJvmAreTwoLabelledSetsEachEqualToItsOwnRun() throws Exception {
        WalGenerator.into(tmp.resolve("wal2")).segments(3).segmentSize(64 << 10).payloadSize(200).generate();
        Host h = start("two", List.of(agent("port=0")), "two", 6_000);
        try {
            String url = awaitUrl(h);
            Map<String, Double> own = awaitOracle(h);
            Map<String, Double> served = Exposition.samples(get(url, null));
            for (Map.Entry<String, Double> e : own.entrySet()) {
                assertEquals(e.getValue(), served.get(e.getKey()), e.getKey());
            }
            for (String[] c : new String[][] {{"wal", "5"}, {"wal2", "3"}}) {
                String w = "wal=\"" + tmp.resolve(c[0]).toAbsolutePath() + "\"";
                assertEquals(Double.valueOf(c[1]), served.get("flashstrike_wal_preload_segment_total{outcome=\"success\",status=\"OK\","
                        + "subsystem=\"wal_recovery_worker\"," + w + "}"), c[0] + ": " + served.keySet());
                assertEquals(1.0, served.get("flashstrike_wal_recover_total{outcome=\"success\",status=\"OK\",subsystem=\"wal_recovery_manager\"," + w + "}"));
            }
        } finally {
            Processes.destroy(h.process());
        }
    }

    private static String awaitUrl(Host h) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(h.stderr());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the agent printed no URL: " + h.stderr());
    }

    private static Map<String, Double> awaitOracle(Host h) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !Files.exists(h.oracle())) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(h.oracle()), "the program wrote no metrics: " + h.stderr());
        return Exposition.samples(Files.readString(h.oracle()));
    }

    /** Scrapes until every sample of {@code own} is served with its value (the stream's lag: 1 s or so). */
    private static Map<String, Double> awaitEqual(String url, Map<String, Double> own) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Double> served = Map.of();
        while (System.nanoTime() < deadline) {
            served = Exposition.samples(get(url, null));
            Map<String, Double> s = served;
            if (own.entrySet().stream().allMatch(e -> e.getValue().equals(s.get(e.getKey())))) {
                return served;
            }
            Thread.sleep(200);
        }
        return served;
    }

    private static String get(String url, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
