package io.flashstrike.wal.stream;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.testsupport.AfterRecordingStarts;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Dumps;
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
