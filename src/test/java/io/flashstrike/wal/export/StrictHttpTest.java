package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests a desyncing or sloppy client sends, byte for byte over a raw loopback socket, and what
 * the server answers (RFC 9110/9112): every response counted, not only the first. Each case is
 * followed by a legitimate scrape, whose latency is printed.
 */
class StrictHttpTest {
    private static final Pattern STATUS = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3}) ");
    private static MetricsHttpServer server;

    @BeforeAll
    static void start() throws IOException {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        metrics.segmentPreloader().preloadSegment().record(1_000_000, Status.OK);
        server = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void conflictingContentLengthsGetExactlyOne400AndTheConnectionCloses() throws Exception {
        String body = "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n";
        String all = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body);
        assertEquals(List.of("400"), statuses(all), all);
        legitimateScrape("conflicting Content-Length");
    }

    @Test
    void controlBytesAndASpaceBeforeTheColonAre400() throws Exception {
        for (String bad : List.of("GE\u0000T /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /met\u0001rics HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-A\u0000b: 1\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n")) {
            String all = exchange(bad);
            assertEquals(List.of("400"), statuses(all), bad.replace("\u0000", "\\0") + " -> " + all);
        }
        legitimateScrape("control bytes, space before colon");
    }

    @Test
    void jettysOwnAnswersArePlainLinesThatSayNothingOfTheServer() throws Exception {
        for (String bad : List.of("GET /metrics HTTP/1.1\r\nHost : x\r\nAccept: text/html\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")) {
            String all = exchange(bad);
            String status = statuses(all).get(0);
            assertTrue(status.equals("400") || status.equals("431"), all);
            assertTrue(header(all, "Content-Type").startsWith("text/plain"), all);
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            assertTrue(body.startsWith(status + " ") && body.indexOf('\n') == body.length() - 1, "one line: " + body);
            assertFalse(all.toLowerCase(Locale.ROOT).contains("jetty") || body.contains("<"), "no page, no server name: " + all);
        }
        legitimateScrape("Jetty's own errors");
    }

    @Test
    void moreThanAHundredHeaderFieldsAre431AndTheConnectionCloses() throws Exception {
        String fields = "X-N: 1\r\n".repeat(ScrapeHandler.MAX_HEADER_FIELDS - 2); // and Host, Connection
        String ok = exchange("GET /-/healthy HTTP/1.1\r\nHost: x\r\n" + fields + "Connection: close\r\n\r\n");
        assertEquals(List.of("200"), statuses(ok), "a hundred fields are fine: " + ok);
        String tooMany = exchange("GET /-/healthy HTTP/1.1\r\nHost: x\r\n" + fields + "X-N: 1\r\nX-N: 2\r\nX-N: 3\r\n\r\n"
                + "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(List.of("431"), statuses(tooMany), "exactly one answer, then closed: " + tooMany);
        legitimateScrape("too many header fields");
    }

    @Test
    void anAbsoluteFormUriIsServedAndABadPercentEscapeIs400() throws Exception {
        // RFC 9112 3.2.2: the authority of the URI rules; a Host that contradicts it is a 400 in Jetty's strict mode
        String authority = "127.0.0.1:" + server.port();
        String absolute = exchange("GET http://" + authority + "/metrics HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("200"), statuses(absolute), absolute);
        assertTrue(absolute.contains("flashstrike_wal_preload_segment_total"), absolute);
        String escape = exchange("GET /metrics?name[]=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("400"), statuses(escape), escape);
        legitimateScrape("absolute-form URI, bad % escape");
    }

    @Test
    void headStatesWhatGetSendsAndEveryResponseHasADate() throws Exception {
        String get = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String head = exchange("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String getLength = header(get, "Content-Length");
        assertNotEquals(null, getLength, get);
        assertNotEquals("0", getLength);
        assertEquals(getLength, header(head, "Content-Length"), head);
        assertEquals(header(get, "Content-Type"), header(head, "Content-Type"));
        assertTrue(head.endsWith("\r\n\r\n"), "no body after a HEAD's headers: " + head);
        for (String r : List.of(get, head, exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))) {
            assertNotEquals(null, header(r, "Date"), r);
            assertEquals(null, header(r, "Server"), "no version to fingerprint: " + r);
        }
    }

    @Test
    void aRequestBodyAndOtherMethodsAreRefused() throws Exception {
        String post = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("405"), statuses(post), post);
        String withBody = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals(List.of("400"), statuses(withBody), withBody);
        String chunked = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(List.of("400"), statuses(chunked), chunked);
        String noHost = exchange("GET /metrics HTTP/1.1\r\n\r\n");
        assertEquals(List.of("400"), statuses(noHost), noHost);
        assertFalse(statuses(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"))
                .contains("200"), "a head over 16 KiB");
    }

    @Test
    void httpServerConfigHeadersAreAddedToEveryResponse(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path web = tmp.resolve("web.yml");
        java.nio.file.Files.writeString(web, "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
                + "    Strict-Transport-Security: max-age=31536000\n");
        try (MetricsHttpServer withHeaders = MetricsHttpServer.start("127.0.0.1", 0, HistogramBounds.DEFAULT, WebConfig.load(web), c -> { })) {
            for (String path : List.of("/metrics", "/-/healthy", "/nowhere")) {
                String r = exchange(withHeaders.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals("deny", header(r, "X-Frame-Options"), r);
                assertEquals("max-age=31536000", header(r, "Strict-Transport-Security"), r);
            }
        }
    }

    /** Writes the bytes, reads until the server closes (or 5 s of silence), returns all it said. */
    static String exchange(String request) throws IOException {
        return exchange(server.port(), request);
    }

    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException stillOpen) {
                got.write("\n<connection left open>".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException reset) {
                // closed hard after the answer: what was read is the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static List<String> statuses(String all) {
        List<String> codes = new ArrayList<>();
        Matcher m = STATUS.matcher(all);
        while (m.find()) {
            codes.add(m.group(1));
        }
        if (all.contains("<connection left open>")) {
            codes.add("open");
        }
        return codes;
    }

    static String header(String response, String name) {
        Matcher m = Pattern.compile("(?mi)^" + name + ": *([^\r\n]*)").matcher(response.substring(0, response.indexOf("\r\n\r\n") + 2));
        return m.find() ? m.group(1) : null;
    }

    static void legitimateScrape(String after) throws IOException {
        long start = System.nanoTime();
        String r = exchange("GET /metrics HTTP/1.1\r\nHost: good\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("200"), statuses(r), r);
        System.out.printf(Locale.ROOT, "strict: after %s, a scrape took %.1f ms%n", after, (System.nanoTime() - start) / 1e6);
    }
}
