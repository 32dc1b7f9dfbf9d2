package io.flashstrike.wal.recovery.telemetry.stream;

import io.flashstrike.wal.cli.CliTest;
import io.flashstrike.wal.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream --jmx}: a child JVM with JMX on loopback and no JFR flag at all; the sidecar's
 * RemoteRecordingStream turns our events on remotely and follows them until the child exits.
 */
class JmxSidecarTest {

    @Test
    void followsAJvmOverJmxUntilItExits(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = tmp.resolve("child.log");
        // The demo generates ~768 MiB first (over a second), so the sidecar is attached before recovery
        // starts; --linger keeps the JVM up while the remote stream fetches the last events.
        Process child = ChildJvm.start(List.of("-Dcom.sun.management.jmxremote.port=" + port,
                        "-Dcom.sun.management.jmxremote.rmi.port=" + port, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                        "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                        "-Dcom.sun.management.jmxremote.ssl=false"),
                log, "demo", "--segments", "48", "--segment-size", "16MiB", "--no-jfr", "--metrics-port", "0",
                "--linger", "4", "--dump-interval", "0");
        awaitPort(port);
        CliTest.Run sidecar = CliTest.run("stream", "--jmx", "127.0.0.1:" + port, "--metrics-port", "0",
                "--dump-interval", "0", "--duration", "60");
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, sidecar.exit(), sidecar.out() + sidecar.err());
        assertTrue(sidecar.out().contains("following JMX 127.0.0.1:" + port), sidecar.out());
        assertTrue(!sidecar.out().contains("--duration elapsed"), "the sidecar must notice the JVM ending:\n" + sidecar.out());
        String childOut = Files.readString(log);
        assertEquals(count(childOut, "Preload segment"), count(sidecar.out(), "Preload segment"),
                "sidecar:\n" + sidecar.out() + "\nchild:\n" + childOut);
        assertEquals(count(childOut, "Read segment    "), count(sidecar.out(), "Read segment    "));
    }

    private static long count(String dump, String prefix) {
        Matcher m = Pattern.compile(" " + Pattern.quote(prefix) + ": [0-9.]+ ms \\| count (\\d+)").matcher(dump);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        assertTrue(last >= 0, prefix + " missing in:\n" + dump);
        return last;
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("JMX port " + port + " never opened");
    }
}
