package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS side as a hostile or old client meets it, through {@code openssl s_client} (which can
 * renegotiate and pick exact suites, as the JDK client cannot): renegotiation refused, suites
 * without forward secrecy, DHE and CBC-SHA1 refused by default, exporter-toolkit's
 * {@code cipher_suites} and every {@code client_auth_type} honoured. After each case a JDK
 * https scrape is timed.
 */
class TlsHardeningTest {
    private static final String GET = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 ";

    @TempDir
    static Path tmp;
    static TestPki pki;
    static final WalRecoveryMetrics METRICS = new WalRecoveryMetrics();

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.create(tmp.resolve("pki"));
        METRICS.segmentPreloader().preloadSegment().record(2_000_000, Status.OK);
    }

    private static MetricsHttpServer serve(String extra) throws Exception {
        Path f = Files.createTempFile(tmp, "web", ".yml");
        Files.writeString(f, "tls_server_config:\n  cert_file: " + pki.server.cert() + "\n  key_file: " + pki.server.key() + "\n" + extra);
        return MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.load(f),
                c -> METRICS.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        try (MetricsHttpServer server = serve("")) {
            String out = sClient(server, List.of("-tls1_2"), "R\n", GET);
            assertTrue(out.contains("RENEGOTIATING"), out);
            assertFalse(out.contains(OK), "no answer on a connection that asked to renegotiate: " + out);
            legitimateScrape(server, "renegotiation refused");
        }
    }

    /**
     * The probe above can see a renegotiation accepted: against {@code openssl s_server
     * -client_renegotiation} (OpenSSL 3 refuses it by default too), the same input renegotiates
     * and the request after it is answered.
     */
    @Test
    void theRenegotiationProbeSeesAServerThatAllowsIt() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = tmp.resolve("s_server.log");
        Process server = new ProcessBuilder("/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                pki.server.cert().toString(), "-key", pki.server.key().toString(), "-tls1_2", "-www",
                "-client_renegotiation").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && server.isAlive() && !Files.readString(log).contains("ACCEPT")) {
                Thread.sleep(50); // s_server prints ACCEPT once it listens
            }
            assertTrue(Files.readString(log).contains("ACCEPT"), Files.readString(log));
            String out = sClient(port, List.of("-tls1_2"), "R\n", "GET / HTTP/1.0\r\n\r\n");
            assertTrue(out.contains("RENEGOTIATING"), out);
            assertTrue(out.contains("HTTP/1.0 200 ok"), "answered after renegotiating: the probe sees acceptance\n" + out);
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void suitesWithoutForwardSecrecyDheAndCbcSha1AreRefusedByDefault() throws Exception {
        try (MetricsHttpServer server = serve("")) {
            for (String weak : List.of("AES256-SHA", "AES128-GCM-SHA256", "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-SHA256",
                    "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA")) {
                String out = sClient(server, List.of("-tls1_2", "-cipher", weak), GET);
                assertFalse(out.contains(OK), weak + " was accepted: " + out);
            }
            String strong = sClient(server, List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), GET);
            assertTrue(strong.contains(OK), strong);
            assertTrue(sClient(server, List.of("-tls1_3"), GET).contains(OK));
            legitimateScrape(server, "weak suites refused");
        }
    }

    @Test
    void cipherSuitesNamesTheTls12SuitesAsInExporterToolkit() throws Exception {
        try (MetricsHttpServer server = serve("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]\n")) {
            assertFalse(sClient(server, List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), GET).contains(OK));
            assertTrue(sClient(server, List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"), GET).contains(OK));
            assertTrue(sClient(server, List.of("-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"), GET).contains(OK), "Go's short name");
            assertTrue(sClient(server, List.of("-tls1_3"), GET).contains(OK), "TLS 1.3 suites stay on, as in Go");
            legitimateScrape(server, "cipher_suites");
        }
        // An operator may ask for a suite the defaults refuse: the list is the list. DHE, not TLS_RSA_*:
        // JDK 24+ disables TLS_RSA_* itself (jdk.tls.disabledAlgorithms, JDK-8245545), and then the
        // web config refuses to name it, in one line, rather than serve without it.
        try (MetricsHttpServer server = serve("  cipher_suites: [TLS_DHE_RSA_WITH_AES_128_GCM_SHA256]\n  max_version: TLS12\n")) {
            assertTrue(sClient(server, List.of("-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"), GET).contains(OK));
        }
    }

    @Test
    void everyClientAuthTypeAsInGo() throws Exception {
        List<String> none = List.of();
        List<String> stranger = List.of("-cert", pki.stranger.cert().toString(), "-key", pki.stranger.key().toString());
        List<String> trusted = List.of("-cert", pki.client.cert().toString(), "-key", pki.client.key().toString());
        String ca = "  client_ca_file: " + pki.caCert + "\n";
        record Case(String type, String ca, List<String> cert, boolean served) {
        }
        List<Case> cases = List.of(
                new Case("NoClientCert", "", none, true),
                new Case("RequestClientCert", "", none, true),
                new Case("RequestClientCert", "", stranger, true),
                new Case("RequireAnyClientCert", "", none, false),
                new Case("RequireAnyClientCert", "", stranger, true),
                new Case("VerifyClientCertIfGiven", ca, none, true),
                new Case("VerifyClientCertIfGiven", ca, stranger, false),
                new Case("VerifyClientCertIfGiven", ca, trusted, true),
                new Case("RequireAndVerifyClientCert", ca, none, false),
                new Case("RequireAndVerifyClientCert", ca, stranger, false),
                new Case("RequireAndVerifyClientCert", ca, trusted, true));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            try (MetricsHttpServer server = serve("  client_auth_type: " + c.type() + "\n" + c.ca())) {
                for (String version : List.of("-tls1_2", "-tls1_3")) {
                    List<String> args = new ArrayList<>(c.cert());
                    args.add(version);
                    boolean served = sClient(server, args, GET).contains(OK);
                    if (served != c.served()) {
                        wrong.add(c + " " + version + " served=" + served);
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** Runs s_client against the server, writes each input in turn (a second apart), returns all it printed. */
    static String sClient(MetricsHttpServer server, List<String> args, String... inputs) throws Exception {
        return sClient(server.port(), args, inputs);
    }

    static String sClient(int port, List<String> args, String... inputs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", pki.caCert.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            for (String input : inputs) {
                Thread.sleep(700); // the handshake first; s_client reads commands at the start of a line
                in.write(input.getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            Thread.sleep(700); // the answer arrives before stdin closes (s_client quits at EOF)
        } catch (IOException closed) {
            // s_client already quit: the server closed the connection
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        synchronized (out) {
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void legitimateScrape(MetricsHttpServer server, String after) throws Exception {
        SSLContext trusting = pki.trustingCa();
        long start = System.nanoTime();
        try (SSLSocket s = (SSLSocket) trusting.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(r.startsWith(OK), r);
        }
        System.out.printf(Locale.ROOT, "tls: after %s, an https scrape (handshake included) took %.1f ms%n", after,
                (System.nanoTime() - start) / 1e6);
    }
}
