package io.flashstrike.wal.mbeans;

import com.sun.tools.attach.VirtualMachine;
import io.flashstrike.wal.recovery.telemetry.TelemetryMBeans;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our MBeans read by the tools that read JMX, each against {@link MBeanHostApp} in a child JVM (the
 * platform MBean server is JVM-wide state), on loopback only, every wait bounded:
 * <ul>
 *   <li>jmx_exporter's Java agent with no rules serves our figures under {@code io_flashstrike_wal_...};</li>
 *   <li>a JMX client over the JDK's RMI connector ({@code -Dcom.sun.management.jmxremote.port}) reads
 *   them as JConsole and JMC do;</li>
 *   <li>JConsole's late case: a JVM that never touched JMX (we did not create its MBean server),
 *   then attached to and its management agent started: our MBeans appear within seconds.</li>
 * </ul>
 * An IT because it needs target/peers, which the build copies after package.
 */
class MBeansIT {
    private static final Path JMX_EXPORTER = PackagedCli.ROOT.resolve("target/peers/jmx_prometheus_javaagent-1.0.1.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private Path wal;

    @BeforeEach
    void log() throws Exception {
        wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(6).segmentSize(64 << 10).payloadSize(100).generate();
    }

    @Test
    void jmxExporterServesOurFiguresUnderTheDomainsName() throws Exception {
        assertTrue(Files.isRegularFile(JMX_EXPORTER), JMX_EXPORTER + " is missing: `mvn verify` copies it (execution 'peers')");
        int port = freePort();
        Path config = Files.writeString(tmp.resolve("config.yaml"), "lowercaseOutputName: true\n");
        // [host:]port:config (JavaAgent.CONFIGURATION_REGEX of 1.0.1); without a host it binds 0.0.0.0
        Host h = start("exporter", List.of("-javaagent:" + JMX_EXPORTER + "=127.0.0.1:" + port + ":" + config));
        try {
            Properties truth = awaitOracle(h);
            assertEquals("1", truth.getProperty("mbeanServers"), "jmx_exporter created the platform server before main");
            assertEquals("false", truth.getProperty("poller"), "the server existed at the first registration: published at once");
            String url = "http://127.0.0.1:" + port + "/metrics";
            String wal = "{wal=\"" + truth.getProperty("wal") + "\"}";
            String lsnSeries = "io_flashstrike_wal_wal_recovery_manager_lastvalidlsn" + wal;
            String text = awaitSeries(url, lsnSeries);
            assertEquals(Double.parseDouble(truth.getProperty("lastValidLsn")), sample(text, lsnSeries), text);
            assertEquals(Double.parseDouble(truth.getProperty("preloadSuccesses")),
                    sample(text, "io_flashstrike_wal_wal_recovery_worker_preloadsegment_successes" + wal));
            assertEquals(Double.parseDouble(truth.getProperty("preloadSuccesses")),
                    sample(text, "io_flashstrike_wal_wal_recovery_worker_preloadsegment_status_ok" + wal));
            assertEquals(Double.parseDouble(truth.getProperty("recordsRead")),
                    sample(text, "io_flashstrike_wal_wal_segment_reader_recordsread" + wal));
            // A quoted ObjectName value reaches jmx_exporter with its quotes: the label value is "pages,hot" quoted.
            assertEquals((double) MBeanHostApp.FETCHES, sample(text, "io_flashstrike_wal_page_cache_fetchpage_count{cache=\"\\\"pages,hot\\\"\"}"),
                    text);
        } finally {
            Processes.destroy(h.process());
        }
    }

    @Test
    void aJmxClientOverTheRmiConnectorReadsTheHostsOwnFigures() throws Exception {
        int port = freePort();
        Host h = start("remote", List.of("-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
        try {
            Properties truth = awaitOracle(h);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            try (JMXConnector c = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                assertOurs(mbs, truth);
            }
        } finally {
            Processes.destroy(h.process());
        }
    }

    @Test
    void attachedLaterAsJConsoleDoesOurMBeansAppearWithinSeconds() throws Exception {
        Host h = start("late", List.of());
        try {
            Properties truth = awaitOracle(h);
            assertEquals("0", truth.getProperty("mbeanServers"), "no MBean server after the recovery: we created none");
            assertEquals("true", truth.getProperty("poller"), "registrations and no server: the poller waits");
            String address;
            VirtualMachine vm = VirtualMachine.attach(Long.toString(h.process().pid()));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                long start = System.nanoTime();
                assertOurs(mbs, truth);
                long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                assertTrue(seconds < 5, "published " + seconds + " s after the agent started");
                ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
                awaitTrue(() -> Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                        .map(ThreadInfo::getThreadName).noneMatch(TelemetryMBeans.POLLER_NAME::equals), "the poller ends once it has published");
            }
        } finally {
            Processes.destroy(h.process());
        }
    }

    /** Our four MBeans (the recovery's three and the application's block) appear and read as the host's own figures. */
    private static void assertOurs(MBeanServerConnection mbs, Properties truth) throws Exception {
        String dir = truth.getProperty("wal");
        ObjectName manager = new ObjectName("io.flashstrike.wal:type=wal_recovery_manager,wal=" + dir);
        ObjectName preloader = new ObjectName("io.flashstrike.wal:type=wal_recovery_worker,wal=" + dir);
        ObjectName reader = new ObjectName("io.flashstrike.wal:type=wal_segment_reader,wal=" + dir);
        ObjectName cache = new ObjectName("io.flashstrike.wal:type=page_cache,cache=" + ObjectName.quote(MBeanHostApp.CACHE_LABEL));
        ObjectName all = new ObjectName("io.flashstrike.wal:*");
        awaitTrue(() -> mbs.queryNames(all, null).size() == 4, "our four MBeans");
        assertEquals(Set.of(manager, preloader, reader, cache), mbs.queryNames(all, null));
        assertEquals(Long.parseLong(truth.getProperty("lastValidLsn")), mbs.getAttribute(manager, "LastValidLsn"));
        assertEquals(Long.parseLong(truth.getProperty("recordsRead")), mbs.getAttribute(reader, "RecordsRead"));
        CompositeData preload = (CompositeData) mbs.getAttribute(preloader, "PreloadSegment");
        assertEquals(Long.parseLong(truth.getProperty("preloadSuccesses")), preload.get("successes"));
        assertEquals(Long.parseLong(truth.getProperty("preloadSuccesses")), preload.get("status_OK"));
        assertTrue(preload.getClass().getName().startsWith("javax.management.openmbean."), preload.getClass().getName());
        CompositeData fetch = (CompositeData) mbs.getAttribute(cache, "FetchPage");
        assertEquals((long) MBeanHostApp.FETCHES, fetch.get("count"));
        assertEquals(1L, fetch.get("status_MISS"));
    }

    private record Host(Process process, Path out, Path oracle) {
    }

    private Host start(String name, List<String> flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PackagedCli.java().toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, "target/test-classes", "target/classes"),
                MBeanHostApp.class.getName(), wal.toString(), tmp.resolve(name + ".oracle").toString(), "120000"));
        Path out = tmp.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).directory(PackagedCli.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Host(p, out, tmp.resolve(name + ".oracle"));
    }

    private static Properties awaitOracle(Host h) throws Exception {
        awaitTrue(() -> Files.exists(h.oracle()) || !h.process().isAlive(), "the host's oracle");
        assertTrue(Files.exists(h.oracle()), "the host ended without its oracle:\n" + Files.readString(h.out()));
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(h.oracle())));
        assertEquals("OK", p.getProperty("status"), Files.readString(h.out()));
        return p;
    }

    private static String awaitSeries(String url, String series) throws Exception {
        String[] last = {""};
        awaitTrue(() -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last[0] = r.body();
                return r.statusCode() == 200 && sample(last[0], series) != null;
            } catch (IOException e) {
                return false; // the agent's server not up yet
            }
        }, series + " served at " + url);
        return last[0];
    }

    /** @return the value of the exposition line {@code series value}, or null */
    private static Double sample(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return null;
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "not within " + LIMIT + ": " + what);
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
