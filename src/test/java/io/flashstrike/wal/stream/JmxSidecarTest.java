package io.flashstrike.wal.stream;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.testsupport.AfterRecordingStarts;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Dumps;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream --jmx}: a child JVM with JMX on loopback and no JFR flag at all; the sidecar's
 * RemoteRecordingStream turns our events on remotely and follows them until the child exits. The
 * child starts its demo only once that remote recording runs ({@link AfterRecordingStarts}).
 */
class JmxSidecarTest {

    @Test
    void followsAJvmOverJmxUntilItExits(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("child.log");
        Process child = null;
        try {
            int port = -1;
            // The JMX agent cannot be given port 0 and read back: take a free port and retry when another
            // process took it between our close and the child's bind.
            for (int attempt = 0; attempt < 5 && port < 0; attempt++) {
                int candidate = freeLoopbackPort();
                // A small demo: the child holds it back until the sidecar's remote recording runs, so its
                // size no longer has to outlast the attach; --linger keeps the JVM up while the remote
                // stream fetches the last events.
                child = ChildJvm.startMain(List.of("-Dcom.sun.management.jmxremote.port=" + candidate,
                                "-Dcom.sun.management.jmxremote.rmi.port=" + candidate, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                                "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                                "-Dcom.sun.management.jmxremote.ssl=false"), AfterRecordingStarts.class.getName(),
                        log, "demo", "--segments", "4", "--segment-size", "1MiB", "--no-jfr", "--metrics-port", "0",
                        "--linger", "4", "--dump-interval", "0");
                if (awaitWaiting(child, log)) {
                    port = candidate;
                } else {
                    assertTrue(Files.readString(log).contains("Port already in use"), "child ended before its JMX agent listened:\n"
                            + Files.readString(log));
                }
            }
            assertTrue(port > 0, "no free JMX port in 5 attempts");
            // --once: without it the sidecar would wait for the next JVM on that port (reconnecting).
            CliTest.Run sidecar = CliTest.run("stream", "--jmx", "127.0.0.1:" + port, "--once", "--metrics-port", "0",
                    "--dump-interval", "0", "--duration", "60");
            Processes.Result c = Processes.await(child, log, Duration.ofSeconds(60), "the demo child");
            assertEquals(0, c.exit(), c.output());
            assertEquals(0, sidecar.exit(), sidecar.out() + sidecar.err());
            assertTrue(sidecar.out().contains("following JMX 127.0.0.1:" + port), sidecar.out());
            assertTrue(!sidecar.out().contains("--duration elapsed"), "the sidecar must notice the JVM ending:\n" + sidecar.out());
            String childOut = c.output();
            assertEquals(4, Dumps.lastCount(childOut, "Preload segment"), childOut);
            assertEquals(Dumps.lastCount(childOut, "Preload segment"), Dumps.lastCount(sidecar.out(), "Preload segment"),
                    "sidecar:\n" + sidecar.out() + "\nchild:\n" + childOut);
            assertEquals(Dumps.lastCount(childOut, "Read segment    "), Dumps.lastCount(sidecar.out(), "Read segment    "));
        } finally {
            Processes.destroy(child);
        }
    }

    /**
     * Without --once the sidecar outlives the JVM behind the port: the first one's final values stay
     * with stream_closed 1, and it reconnects (backing off) to the next JVM on that port.
     */
    @Test
    void reconnectsToTheNextJvmOnThePortWithoutARestart(@TempDir Path tmp) throws Exception {
        Process first = null;
        Process second = null;
        Process sidecar = null;
        try {
            Producer p = producerOnAFreePort(tmp, "first", 4);
            first = p.process();
            int port = p.port();
            Path firstLog = p.log();
            Path sidecarLog = tmp.resolve("sidecar.log");
            sidecar = ChildJvm.start(List.of(), sidecarLog, "stream", "--jmx", "127.0.0.1:" + port, "--metrics-port", "0",
                    "--dump-interval", "0");
            String url = metricsUrl(sidecarLog);
            Processes.Result f = Processes.await(first, firstLog, Duration.ofSeconds(60), "the first demo");
            assertEquals(0, f.exit(), f.output());
            awaitScrape(url, sidecarLog, t -> sum(t, "_stream_closed") == 1 && sum(t, "_preload_segment_total") == 2);
            assertTrue(sidecar.isAlive(), "the JVM ending is not the sidecar's end:\n" + Files.readString(sidecarLog));

            Path secondLog = tmp.resolve("second.log");
            second = jmxDemo(port, 3, secondLog);
            assertTrue(awaitWaiting(second, secondLog), "the port was taken meanwhile:\n" + Files.readString(secondLog));
            // 3 preloads and 1 recovery, not 5 and 2: the counters restarted with the second JVM.
            awaitScrape(url, sidecarLog, t -> sum(t, "_preload_segment_total") == 3 && sum(t, "_recover_total") == 1);
            assertTrue(sidecar.isAlive());
            assertEquals(2, Files.readString(sidecarLog).split("following JMX 127.0.0.1:" + port, -1).length - 1,
                    Files.readString(sidecarLog));
        } finally {
            Processes.destroy(first);
            Processes.destroy(second);
            Processes.destroy(sidecar);
        }
    }

    /** {@code kill -9} of the JVM behind the port: stream_closed is 1 within 5 s, the values kept. */
    @Test
    void aKilledJvmIsClosedWithinFiveSeconds(@TempDir Path tmp) throws Exception {
        Process producer = null;
        Process sidecar = null;
        try {
            Producer p = producerOnAFreePort(tmp, "producer", 300); // lingers: alive until killed
            producer = p.process();
            Path sidecarLog = tmp.resolve("sidecar.log");
            sidecar = ChildJvm.start(List.of(), sidecarLog, "stream", "--jmx", "127.0.0.1:" + p.port(), "--metrics-port", "0",
                    "--dump-interval", "0");
            String url = metricsUrl(sidecarLog);
            awaitScrape(url, sidecarLog, t -> sum(t, "_preload_segment_total") == 2 && sum(t, "_stream_closed") == 0);
            producer.destroyForcibly();
            long killed = System.nanoTime();
            awaitScrape(url, sidecarLog, t -> sum(t, "_stream_closed") == 1);
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertTrue(seconds <= 5, "stream_closed 1 only " + seconds + " s after kill -9");
            assertEquals(2, sum(Exposition.scrape(url), "_preload_segment_total"), "the last values stay");
            assertTrue(sidecar.isAlive(), "the sidecar outlives the killed JVM:\n" + Files.readString(sidecarLog));
            System.out.printf(java.util.Locale.ROOT, "jmx sidecar: stream_closed 1 %.2f s after kill -9%n", seconds);
        } finally {
            Processes.destroy(producer);
            Processes.destroy(sidecar);
        }
    }

    private record Producer(Process process, int port, Path log) {
    }

    /** A 2-segment demo behind JMX on a free port (another build may take one first: up to 5 tries). */
    private static Producer producerOnAFreePort(Path tmp, String name, int lingerSeconds) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            int candidate = freeLoopbackPort();
            Path log = tmp.resolve(name + "-" + attempt + ".log");
            Process p = jmxDemo(candidate, 2, log, lingerSeconds);
            if (awaitWaiting(p, log)) {
                return new Producer(p, candidate, log);
            }
        }
        throw new AssertionError("no free JMX port in 5 attempts");
    }

    /** @return the /metrics URL the sidecar printed */
    private static String metricsUrl(Path sidecarLog) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics: (http://\\S+)")
                .matcher(ChildJvm.awaitOutput(sidecarLog, "metrics: http://", Duration.ofSeconds(60)));
        assertTrue(m.find());
        return m.group(1);
    }

    /** A demo of {@code segments} segments behind JMX on {@code port}, held back until a recording runs. */
    private static Process jmxDemo(int port, int segments, Path log) throws Exception {
        return jmxDemo(port, segments, log, 4);
    }

    private static Process jmxDemo(int port, int segments, Path log, int lingerSeconds) throws Exception {
        return ChildJvm.startMain(List.of("-Dcom.sun.management.jmxremote.port=" + port,
                        "-Dcom.sun.management.jmxremote.rmi.port=" + port, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                        "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                        "-Dcom.sun.management.jmxremote.ssl=false"), AfterRecordingStarts.class.getName(),
                log, "demo", "--segments", String.valueOf(segments), "--segment-size", "1MiB", "--no-jfr", "--metrics-port", "0",
                "--linger", String.valueOf(lingerSeconds), "--dump-interval", "0");
    }

    private static double sum(String text, String family) {
        return Exposition.sum(text, "flashstrike_wal" + family, "");
    }

    /** Scrapes until {@code ok} holds (60 s at most); fails with the last scrape and the sidecar's output. */
    private static String awaitScrape(String url, Path sidecarLog, java.util.function.Predicate<String> ok) throws Exception {
        return Exposition.awaitScrape(url, Duration.ofSeconds(60), sidecarLog, ok);
    }

    /** @return true once the child says it waits (its JMX agent is up), false if it exited first */
    private static boolean awaitWaiting(Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(AfterRecordingStarts.WAITING)) {
                return true;
            }
            if (!child.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("child neither started nor failed in 30 s:\n" + Files.readString(log));
    }

    private static int freeLoopbackPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
