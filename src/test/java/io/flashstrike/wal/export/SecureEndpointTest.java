package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.PrometheusServer;
import io.flashstrike.wal.testsupport.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, basic auth and client certificates on the real thing: certificates openssl makes, a hash
 * htpasswd makes, curl as the client that should be refused, and a real Prometheus scraping over
 * https, with basic auth and with a client certificate. Loopback only.
 */
class SecureEndpointTest {
    private static final String FAMILY = "flashstrike_wal_preload_segment_total";
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path tmp;
    static TestPki pki;
    static String hash;
    static final WalRecoveryMetrics METRICS = new WalRecoveryMetrics();

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.create(tmp.resolve("pki"));
        hash = TestPki.htpasswd("prometheus", PASSWORD);
        METRICS.segmentPreloader().preloadSegment().record(2_000_000, Status.OK);
    }

    private static MetricsHttpServer serve(String yaml) throws Exception {
        Path f = Files.createTempFile(tmp, "web", ".yml");
        Files.writeString(f, yaml);
        return MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.load(f),
                c -> METRICS.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
    }

    private static String tls() {
        return "tls_server_config:\n  cert_file: " + pki.server.cert() + "\n  key_file: " + pki.server.key() + "\n";
    }

    private static String mtls() {
        return tls() + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " + pki.caCert + "\n";
    }

    private static String users() {
        return "basic_auth_users:\n  prometheus: " + hash + "\n";
    }

    record Curl(int exit, String headers, String body) {
        int status() {
            String[] lines = headers.strip().split("\r?\n");
            return headers.isEmpty() ? -1 : Integer.parseInt(lines[0].split(" ")[1]);
        }
    }

    /** Runs curl against {@code url} with {@code args}; bounded: curl's own --max-time and a wait. */
    static Curl curl(String url, String... args) throws Exception {
        Path headers = Files.createTempFile(tmp, "h", ".txt");
        Path body = Files.createTempFile(tmp, "b", ".txt");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", pki.caCert.toString(),
                "-D", headers.toString(), "-o", body.toString()));
        cmd.addAll(List.of(args));
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
            return new Curl(p.exitValue(), Files.readString(headers), Files.readString(body));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void basicAuthOverTlsRefusesWithoutTheRightPasswordAndShowsNothing() throws Exception {
        try (MetricsHttpServer server = serve(tls() + users())) {
            String url = server.url();
            assertTrue(url.startsWith("https://127.0.0.1:"), url);
            for (String[] creds : new String[][] {{}, {"-u", "prometheus:wrong"}, {"-u", "grafana:" + PASSWORD}}) {
                Curl refused = curl(url, creds);
                assertEquals(0, refused.exit(), refused.toString());
                assertEquals(401, refused.status(), refused.toString());
                assertTrue(refused.headers().contains("WWW-Authenticate: Basic realm=\"flashstrike-wal\""), refused.headers());
                assertFalse(refused.body().contains("flashstrike_wal"), refused.body());
            }
            Curl health = curl("https://127.0.0.1:" + server.port() + "/-/healthy");
            assertEquals(401, health.status(), "every path needs the password");

            Curl ok = curl(url, "-u", "prometheus:" + PASSWORD);
            assertEquals(200, ok.status(), ok.toString());
            assertTrue(ok.body().contains(FAMILY + "{"), ok.body());
            Curl gz = curl(url, "-u", "prometheus:" + PASSWORD, "--compressed");
            assertTrue(gz.headers().contains("Content-Encoding: gzip") && gz.body().contains(FAMILY), gz.headers());

            // Plain HTTP to the TLS port: the handshake fails, no byte of metrics comes back.
            Curl plain = curl("http://127.0.0.1:" + server.port() + "/metrics", "-u", "prometheus:" + PASSWORD);
            assertNotEquals(0, plain.exit(), plain.toString());
            assertFalse(plain.body().contains("flashstrike_wal"), plain.body());
            assertFalse(rawHttp(server.port()).contains("flashstrike_wal"));
        }
    }

    /** What a raw plain-text GET to the port reads back until the server closes (bounded). */
    private static String rawHttp(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void tlsBelowMinVersionIsRefused() throws Exception {
        try (MetricsHttpServer server = serve(tls() + "  min_version: TLS13\n")) {
            Curl old = curl(server.url(), "--tls-max", "1.2");
            assertNotEquals(0, old.exit(), "curl over TLS 1.2: " + old);
            assertFalse(old.body().contains("flashstrike_wal"));
            assertThrows(SSLException.class, () -> javaHandshake(server.port(), "TLSv1.2"));
            assertEquals("TLSv1.3", javaHandshake(server.port(), "TLSv1.3"));
            assertEquals(200, curl(server.url()).status());
        }
    }

    private static String javaHandshake(int port, String protocol) throws Exception {
        SSLContext ctx = pki.trustingCa();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {protocol});
            s.startHandshake();
            return s.getSession().getProtocol();
        }
    }

    @Test
    void aClientCertificateMustChainToTheClientCa() throws Exception {
        try (MetricsHttpServer server = serve(mtls())) {
            Curl trusted = curl(server.url(), "--cert", pki.client.cert().toString(), "--key", pki.client.key().toString());
            assertEquals(200, trusted.status(), trusted.toString());
            assertTrue(trusted.body().contains(FAMILY));
            for (String[] who : new String[][] {{}, {"--cert", pki.stranger.cert().toString(), "--key", pki.stranger.key().toString()}}) {
                Curl refused = curl(server.url(), who);
                assertNotEquals(0, refused.exit(), refused.toString());
                assertFalse(refused.body().contains("flashstrike_wal"), refused.body());
            }
        }
    }

    @Test
    void aRealPrometheusScrapesOverHttpsWithBasicAuthAndWithAClientCertificate() throws Exception {
        PrometheusServer.require();
        try (MetricsHttpServer basic = serve(tls() + users()); MetricsHttpServer mutual = serve(mtls())) {
            String config = """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: basic
                        scheme: https
                        tls_config:
                          ca_file: %s
                        basic_auth:
                          username: prometheus
                          password: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                      - job_name: mtls
                        scheme: https
                        tls_config:
                          ca_file: %s
                          cert_file: %s
                          key_file: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                      - job_name: no_password
                        scheme: https
                        tls_config:
                          ca_file: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(pki.caCert, PASSWORD, basic.port(), pki.caCert, pki.client.cert(), pki.client.key(),
                    mutual.port(), pki.caCert, basic.port());
            try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"), config)) {
                for (String job : new String[] {"basic", "mtls"}) {
                    assertEquals(1.0, prometheus.awaitValue("up{job=\"" + job + "\"}", 1, Duration.ofSeconds(30)).orElse(-1),
                            job + "\n" + prometheus.log());
                    assertEquals(1.0, prometheus.awaitValue("sum(" + FAMILY + "{job=\"" + job + "\"})", 1, Duration.ofSeconds(10)).orElse(-1),
                            job + ": the families are there");
                }
                assertEquals(0.0, prometheus.awaitValue("up{job=\"no_password\"}", 0, Duration.ofSeconds(10)).orElse(-1),
                        "without the password: 401, up 0");
            }
        }
    }
}
