package io.flashstrike.wal.cli;

import io.flashstrike.wal.testsupport.Dumps;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.PrometheusServer;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code bash} block of the README runs as written, the way {@code RecoveryDocTest} pins
 * docs/RECOVERY.md: read from the file, run by bash in a directory that looks like the repository
 * root ({@code tools}, {@code jfc} and {@code target} linked in), so relative paths mean what they
 * mean to a user there and nothing lands in the work tree.
 *
 * <p>What differs from a user's paste, and why: absolute paths ({@code /tmp/wal},
 * {@code /tmp/recovery.jfr}, {@code /data/wal}, {@code /var/tmp/jfr}) point into the test's
 * directory; the fixed ports (9464 where a command names none, 9010) become free ones, since
 * other builds on the machine may hold them; the 1 GiB demo of the first block gets
 * {@code --segments 2 --segment-size 8MiB}, and its {@code mvn -B verify} is this very build. The
 * JMX recipe's "once it runs" is the test waiting for the JMX port.
 */
class ReadmeRecipesIT {
    private static final Path README = PackagedCli.ROOT.resolve("README.md");
    private static final Pattern BASH = Pattern.compile("(?s)```bash\n(.*?)```");

    @TempDir
    Path tmp;

    @BeforeAll
    static void jar() {
        PackagedCli.requireJar();
    }

    @Test
    void everyBashBlockRunsAsWritten() throws Exception {
        List<String> blocks = new ArrayList<>();
        Matcher m = BASH.matcher(Files.readString(README, StandardCharsets.UTF_8));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertEquals(11, blocks.size(), "README's bash blocks changed: give the new one a step here");
        Path root = userRoot();

        String demo = only(blocks.get(0), "tools/flashstrike-wal demo", "mvn -B verify");
        Processes.Result d = run(root, demo.replace("tools/flashstrike-wal demo", "tools/flashstrike-wal demo --segments 2 --segment-size 8MiB"));
        assertTrue(d.output().contains("end of log      : clean") && d.output().contains("JFR recording: " + root), d.output());

        Processes.Result cli = run(root, expect(blocks.get(1), "tools/flashstrike-wal generate --dir /tmp/wal"));
        assertTrue(cli.output().contains("generated 4 segments"), cli.output());
        assertTrue(cli.output().contains("segments        : 4 replayed of 4"), cli.output());
        assertTrue(cli.output().contains("\nflashstrike.wal.PreloadSegment,4,0,"), "report --format csv:\n" + cli.output());
        assertTrue(cli.output().contains("recovery, in-memory telemetry + JFR events"), "bench-recovery:\n" + cli.output());
        assertTrue(cli.output().contains("Commands:\n  generate"), "--help:\n" + cli.output());

        Processes.Result modes = run(root, expect(blocks.get(2), "--mode point-in-time --repair"));
        assertEquals(4, count(modes.output(), "status          : OK"), modes.output());

        Processes.Result flags = run(root, expect(blocks.get(3), "settings=default,settings=jfc/flashstrike-wal.jfc"));
        assertEquals(2, count(flags.output(), "Recovery summary"), flags.output());
        assertTrue(Files.size(tmp.resolve("tmp/recovery.jfr")) > 0);

        Processes.Result sidecar = run(root, expect(blocks.get(4), "stream --repository /var/tmp/jfr --pid $!"));
        assertTrue(sidecar.output().contains("following repository " + tmp.resolve("var/tmp/jfr")), sidecar.output());
        assertTrue(sidecar.output().contains(") exited; final values:") || sidecar.output().contains(" was deleted; final values:"),
                sidecar.output());
        assertTrue(sidecar.output().contains("[followed Segment Preloader Metrics]"), sidecar.output());
        assertEquals(4, Dumps.lastCount(sidecar.output(), "Preload segment"), "the sidecar's final values:\n" + sidecar.output());

        runJmx(root, expect(blocks.get(5), "-Dcom.sun.management.jmxremote.ssl=false"), expect(blocks.get(6), "stream --jmx 127.0.0.1:9010"));

        // The agent: the engine stand-in under the flag, then a running JVM ($ENGINE_PID) to attach to.
        String agentBlock = expect(blocks.get(7), "-javaagent:target/flashstrike-wal-agent.jar=port=9464").replace("port=9464", "port=0")
                .replace("--port 9464", "--port 0");
        Processes.Result agent = run(root, "tools/flashstrike-wal recover --dir /data/wal --no-jfr"
                + " --metrics-port 0 --dump-interval 0 --linger 30 > /tmp/engine.log 2>&1 &\nENGINE_PID=$!\nsleep 2\n" + agentBlock
                + "kill $ENGINE_PID\n");
        assertTrue(agent.output().contains("flashstrike-wal agent: serving http://127.0.0.1:"), agent.output());
        assertTrue(agent.output().contains("segments        : 4 replayed of 4"), agent.output());
        assertTrue(agent.output().matches("(?s).*\nhttp://127\\.0\\.0\\.1:\\d+/metrics\n.*"), "attach printed its URL:\n" + agent.output());

        try (PrometheusServer gateway = PrometheusServer.startPushgateway(tmp.resolve("pushgateway"))) {
            run(root, expect(blocks.get(8), "--push-gateway http://pushgateway:9091").replace("http://pushgateway:9091", gateway.url()));
            String pushed = Exposition.scrape(gateway.url() + "/metrics");
            assertTrue(pushed.contains("flashstrike_wal_last_success_timestamp_seconds{instance=\""), pushed);
            assertTrue(pushed.contains("job=\"flashstrike_wal_recovery\""), pushed);
        }

        // From an exemplar's segment_id to its event: a recording of 18 segments, so segment 17 is in it.
        Processes.Result exemplar = run(root, "tools/flashstrike-wal generate --dir exemplar-wal --segments 18 --segment-size 1MiB"
                + " >/dev/null\ntools/flashstrike-wal recover --dir exemplar-wal --jfr recording.jfr --metrics-port -1 >/dev/null\n"
                + expect(blocks.get(9), "jfr print --events flashstrike.wal.PreloadSegment recording.jfr"));
        assertTrue(exemplar.output().contains("flashstrike.wal.PreloadSegment {") && exemplar.output().contains("segmentId = 17\n")
                && exemplar.output().contains("duration = ") && exemplar.output().contains("00000000000000000017.wal"), exemplar.output());

        Processes.Result report = run(root, expect(blocks.get(10), "tools/jfr-report /tmp/recovery.jfr"));
        assertTrue(report.output().contains("Report of ") && report.output().contains("\"eventTypes\""), report.output());
    }

    private void runJmx(Path root, String followed, String sidecar) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log = tmp.resolve("jmx-followed-" + attempt + ".log");
            Process jvm = start(root, followed.replace("9010", String.valueOf(port)), log);
            try {
                if (!awaitPort(port, jvm)) {
                    assertTrue(Files.readString(log).contains("Port already in use"), Files.readString(log));
                    continue;
                }
                Processes.Result s = run(root, sidecar.replace("9010", String.valueOf(port)));
                assertTrue(s.output().contains("following JMX 127.0.0.1:" + port), s.output());
                assertTrue(s.output().contains("is gone; final values:"), "it noticed the JVM end:\n" + s.output());
                Processes.Result j = Processes.await(jvm, log, Duration.ofSeconds(60), "the followed demo");
                assertEquals(0, j.exit(), j.output());
                return;
            } finally {
                Processes.destroy(jvm);
            }
        }
        throw new AssertionError("no free JMX port in 3 attempts");
    }

    /** A directory that looks like the repository root to the recipes, with the absolute paths mapped under it. */
    private Path userRoot() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        for (String link : List.of("tools", "jfc", "target")) {
            Files.createSymbolicLink(root.resolve(link), PackagedCli.ROOT.resolve(link));
        }
        // tools/flashstrike-wal rebuilds when jfc (a start point of its find) is newer than the jar: date
        // the links themselves back, as a clone's files are.
        List<String> touch = new ArrayList<>(List.of("touch", "-h", "-d", "2000-01-01"));
        List.of("tools", "jfc", "target").forEach(l -> touch.add(root.resolve(l).toString()));
        assertEquals(0, Processes.run(touch, null, tmp.resolve("touch.log"), Duration.ofSeconds(10)).exit());
        Files.createDirectories(tmp.resolve("tmp"));
        Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(tmp.resolve("var/tmp"));
        return root;
    }

    private String substitute(String block) {
        // One pass, at path starts only: the replacements themselves contain /tmp/.
        Matcher paths = Pattern.compile("(?<=[\\s='])(/tmp/|/data/wal|/var/tmp/jfr)").matcher(block);
        String s = paths.replaceAll(p -> Matcher.quoteReplacement(switch (p.group(1)) {
            case "/tmp/" -> tmp.resolve("tmp") + "/";
            case "/data/wal" -> tmp.resolve("tmp/wal").toString();
            default -> tmp.resolve("var/tmp/jfr").toString();
        }));
        // Commands that would bind 9464 take any free port instead.
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            Matcher cmd = Pattern.compile("tools/flashstrike-wal (recover|demo|stream) ").matcher(line);
            if (cmd.find() && !line.contains("--metrics-port") && !line.strip().startsWith("#")) {
                line = line.substring(0, cmd.end()) + "--metrics-port 0 " + line.substring(cmd.end());
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private Processes.Result run(Path root, String block) throws Exception {
        Path script = Files.writeString(Files.createTempFile(tmp, "recipe", ".sh"), "set -euo pipefail\n" + substitute(block));
        Processes.Result r = PackagedCli.bashIn(root, tmp, List.of("bash", script.toString()), "");
        assertEquals(0, r.exit(), "recipe failed:\n" + Files.readString(script) + "\noutput:\n" + r.output());
        return r;
    }

    private Process start(Path root, String block, Path log) throws Exception {
        Path script = Files.writeString(Files.createTempFile(tmp, "recipe", ".sh"), "set -euo pipefail\n" + substitute(block));
        return PackagedCli.startIn(root, List.of("bash", script.toString()), log);
    }

    private static String expect(String block, String marker) {
        assertTrue(block.contains(marker), "README block changed; expected " + marker + " in:\n" + block);
        return block;
    }

    /** @return the block's lines without {@code skipped} (the build running this test) */
    private static String only(String block, String marker, String skipped) {
        expect(block, marker);
        expect(block, skipped);
        return String.join("\n", block.lines().filter(l -> !l.startsWith(skipped)).toList());
    }

    private static long count(String text, String s) {
        return text.split(Pattern.quote(s), -1).length - 1;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return true once the JMX port accepts, false if the JVM exited first */
    private static boolean awaitPort(int port, Process jvm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (java.io.IOException notYet) {
                if (!jvm.isAlive()) {
                    return false;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("JMX port " + port + " never opened");
    }
}
