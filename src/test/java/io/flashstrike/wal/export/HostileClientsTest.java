package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that connect and say nothing, send their headers a byte a second, or open hundreds of
 * connections: a well-behaved scrape is still answered, the server's connections and threads stay
 * under its cap, and only the server's own threads ever render. Loopback only; every wait is
 * bounded by a socket timeout, and every socket is closed in finally. The latencies are printed
 * (the limits are documented with them), not asserted: a loaded CI machine is not a stopwatch.
 */
class HostileClientsTest {
    /** A cap above the 900 silent connections below: Jetty holds no thread for an idle one. */
    private static final ServeLimits LIMITS = new ServeLimits(1024, Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 16 * 1024, 16);
    private static final String THREADS = "flashstrike-metrics-";
    private static final String FAMILY = "flashstrike_wal_preload_segment_total";

    private final Set<String> renderThreads = ConcurrentHashMap.newKeySet();
    private final WalRecoveryMetrics metrics = new WalRecoveryMetrics();

    private MetricsHttpServer serve(WebConfig web) throws IOException {
        metrics.segmentPreloader().preloadSegment().record(1_000_000, Status.OK);
        return MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, web, LIMITS, c -> {
            renderThreads.add(Thread.currentThread().getName());
            metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
        });
    }

    @Test
    void hundredsOfSilentConnectionsDoNotKeepAScrapeWaiting() throws Exception {
        List<Socket> hostile = new ArrayList<>();
        try (MetricsHttpServer server = serve(WebConfig.NONE)) {
            long before = usedHeapAfterGc();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 300; i++) {
                    hostile.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
                }
                long worst = 0;
                for (int i = 0; i < 10; i++) {
                    worst = Math.max(worst, scrape(() -> new Socket(InetAddress.getLoopbackAddress(), server.port())));
                }
                assertTrue(server.openConnections() <= LIMITS.maxConnections(), "open: " + server.openConnections());
                assertTrue(connectionThreads() <= LIMITS.maxThreads(), "threads: " + connectionThreads());
                System.out.printf(Locale.ROOT, "hostile: %d silent connections opened, %d open at the server, %d connection threads,"
                                + " worst of 10 scrapes %.1f ms%n", hostile.size(), server.openConnections(), connectionThreads(), worst / 1e6);
            }
            closeAll(hostile);
            System.out.printf(Locale.ROOT, "hostile: heap used after GC %.1f MiB before, %.1f MiB after 900 connections%n",
                    before / 1048576.0, usedHeapAfterGc() / 1048576.0);
        } finally {
            closeAll(hostile);
        }
        assertTrue(renderThreads.stream().allMatch(n -> n.startsWith(THREADS)), renderThreads.toString());
    }

    @Test
    void aFloodPastTheConnectionCapIsShedAndScrapesGetThrough() throws Exception {
        ServeLimits small = new ServeLimits(64, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5), 16 * 1024, 16);
        List<Socket> flood = new ArrayList<>();
        metrics.segmentPreloader().preloadSegment().record(1_000_000, Status.OK);
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.NONE, small,
                c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c))) {
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                try {
                    // past the cap each newcomer sheds the oldest silent connection; only at the hard cap do connects wait
                    s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 200);
                    flood.add(s);
                } catch (IOException full) {
                    s.close();
                    refused++;
                }
            }
            long worst = 0;
            for (int i = 0; i < 10; i++) {
                worst = Math.max(worst, scrape(() -> new Socket(InetAddress.getLoopbackAddress(), server.port())));
            }
            // a shed connection and the scrapes' own leave the connector's set a moment after their close
            for (long end = System.nanoTime() + 2_000_000_000L; server.openConnections() > small.maxConnections() + 1
                    && System.nanoTime() < end; ) {
                Thread.sleep(10);
            }
            assertTrue(server.openConnections() <= small.maxConnections() + 1, "shed back to the cap: " + server.openConnections());
            System.out.printf(Locale.ROOT, "flood: 300 silent connections at a cap of %d (%d connects timed out), "
                    + "%d open at the server, worst of 10 scrapes %.1f ms%n", small.maxConnections(), refused,
                    server.openConnections(), worst / 1e6);
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void headersSentAByteASecondAreCutOffAndDoNotBlockAScrape() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try (MetricsHttpServer server = serve(WebConfig.NONE)) {
            byte[] head = "GET /metrics HTTP/1.1\r\nHost: slow\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                s.setSoTimeout(100);
                slow.add(s);
            }
            // One byte a second on every slow connection, a good scrape in between, for 4 s (2 head timeouts).
            long worst = 0;
            int closedByServer = 0;
            for (int second = 0; second < 4; second++) {
                for (Socket s : slow) {
                    if (!s.isClosed()) {
                        try {
                            s.getOutputStream().write(head[second]);
                        } catch (IOException cut) {
                            s.close();
                            closedByServer++;
                        }
                    }
                }
                worst = Math.max(worst, scrape(() -> new Socket(InetAddress.getLoopbackAddress(), server.port())));
                Thread.sleep(1000);
            }
            for (Socket s : slow) {
                if (!s.isClosed() && endOfStream(s)) {
                    closedByServer++;
                }
            }
            System.out.printf(Locale.ROOT, "slow headers: %d connections at a byte a second, %d cut off by the %d s head timeout,"
                    + " worst scrape %.1f ms%n", slow.size(), closedByServer, LIMITS.headTimeout().toSeconds(), worst / 1e6);
            assertEquals(slow.size(), closedByServer, "every slow connection is closed after the head timeout");
        } finally {
            closeAll(slow);
        }
    }

    @Test
    void answersStuckInRenderingDoNotKeepAScrapeWaiting() throws Exception {
        int stuckCount = LIMITS.maxThreads() / 2; // Jetty's acceptor and selector take two threads of the pool
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger renders = new java.util.concurrent.atomic.AtomicInteger();
        List<Socket> stuck = new ArrayList<>();
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.NONE, LIMITS, c -> {
            if (renders.incrementAndGet() <= stuckCount) {
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS); // an answer that never gets written
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c);
        })) {
            for (int i = 0; i < stuckCount; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: stuck\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                stuck.add(s);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (renders.get() < stuckCount && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(stuckCount, renders.get(), "every stuck answer is rendering");
            Thread.sleep(LIMITS.headTimeout().toMillis() + 1000); // past the head timeout: a request being answered is not cut
            long latency = scrape(() -> new Socket(InetAddress.getLoopbackAddress(), server.port()));
            System.out.printf(Locale.ROOT, "stuck answers: %d renders blocked for over %d s, a scrape took %.1f ms%n",
                    stuck.size(), LIMITS.headTimeout().toSeconds() + 1, latency / 1e6);
            release.countDown();
            for (Socket s : stuck) {
                s.setSoTimeout(5_000);
                String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", answer, "a slow answer is still delivered");
            }
        } finally {
            release.countDown();
            closeAll(stuck);
        }
    }

    @Test
    void silentConnectionsToTheTlsPortDoNotHoldTheHandshakeOfAScrape(@TempDir Path tmp) throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("pki"));
        Path web = tmp.resolve("web.yml");
        Files.writeString(web, "tls_server_config:\n  cert_file: pki/server.crt\n  key_file: pki/server.key\n");
        SSLContext trusting = pki.trustingCa();
        List<Socket> hostile = new ArrayList<>();
        try (MetricsHttpServer server = serve(WebConfig.load(web))) {
            for (int i = 0; i < 100; i++) {
                hostile.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
            }
            List<String> ms = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long ns = scrape(() -> trusting.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port()));
                ms.add(String.format(Locale.ROOT, "%.1f", ns / 1e6));
            }
            System.out.println("tls: 100 silent connections, 5 https scrapes, handshake included (the first is this JVM's first"
                    + " TLS server handshake): " + ms + " ms");
            assertTrue(server.openConnections() <= LIMITS.maxConnections());
        } finally {
            closeAll(hostile);
        }
    }

    interface Connect {
        Socket open() throws IOException;
    }

    /** One GET /metrics on a new connection; returns its latency; fails unless 200 with the family. */
    private static long scrape(Connect connect) throws IOException {
        long start = System.nanoTime();
        try (Socket s = connect.open()) {
            s.setSoTimeout(5_000); // the bounded wait: a scrape not answered by then fails the test
            if (s instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: good\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200 ") && response.contains(FAMILY), response);
        }
        return System.nanoTime() - start;
    }

    private static boolean endOfStream(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long connectionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(THREADS) && !t.getName().contains("scheduler") && t.isAlive()).count();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all we want
            }
        }
    }
}
