package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.testsupport.Promtool;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics over real HTTP: content negotiation, gzip, the health endpoint, loopback by default. */
class MetricsHttpServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTextOpenMetricsGzipAndHealthOnLoopback() throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        metrics.segmentPreloader().preloadSegment().record(2_000_000, Status.OK);
        try (MetricsHttpServer server = MetricsHttpServer.start(MetricsHttpServer.DEFAULT_BIND, 0,
                HistogramBounds.parse("0.001,0.01"), c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c))) {
            assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());

            HttpResponse<byte[]> text = get(server.url());
            assertEquals(200, text.statusCode());
            assertEquals(WalMetricsSource.TEXT, text.headers().firstValue("Content-Type").orElse(""));
            String body = new String(text.body(), StandardCharsets.UTF_8);
            // --histogram-buckets' bounds, raised to our edges: 1.003519 ms ([999424, 1003519] ns) and 10.027007 ms
            assertTrue(body.contains("flashstrike_wal_preload_segment_duration_seconds_bucket{subsystem=\"wal_recovery_worker\",le=\"0.001003519\"} 0\n"), body);
            assertTrue(body.contains("flashstrike_wal_preload_segment_duration_seconds_bucket{subsystem=\"wal_recovery_worker\",le=\"0.010027007\"} 1\n"), body);
            Promtool.assertClean(body);

            HttpResponse<byte[]> om = get(server.url(), "Accept", "application/openmetrics-text; version=1.0.0");
            assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text; version=1.0.0"),
                    om.headers().toString());
            assertTrue(new String(om.body(), StandardCharsets.UTF_8).endsWith("# EOF\n"));

            HttpResponse<byte[]> gz = get(server.url(), "Accept-Encoding", "gzip");
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
            String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(unzipped.contains("flashstrike_wal_preload_segment_total"), unzipped);

            HttpResponse<byte[]> health = get("http://127.0.0.1:" + server.port() + "/-/healthy");
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void filtersHeadNotFoundAndKeepAliveOnOneConnection() throws Exception {
        WalRecoveryMetrics metrics = new WalRecoveryMetrics();
        try (MetricsHttpServer server = MetricsHttpServer.start(MetricsHttpServer.DEFAULT_BIND, 0,
                c -> metrics.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c))) {
            String only = new String(get(server.url() + "?name[]=flashstrike_wal_preload_segment_total").body(), StandardCharsets.UTF_8);
            assertTrue(only.contains("flashstrike_wal_preload_segment_total"), only);
            assertTrue(only.lines().noneMatch(l -> l.startsWith("flashstrike_wal_read_segment")), only);

            HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
            assertEquals(404, get("http://127.0.0.1:" + server.port() + "/nope").statusCode());
            assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create(server.url())).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            // Sequential scrapes from one client reuse one kept-alive connection.
            HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int before = server.openConnections();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, one.send(HttpRequest.newBuilder(URI.create(server.url())).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            assertEquals(before + 1, server.openConnections(), "one kept-alive connection for three scrapes");
        }
    }

    @Test
    void aPortInUseIsOneLineNamingIt() throws Exception {
        try (MetricsHttpServer first = MetricsHttpServer.start(MetricsHttpServer.DEFAULT_BIND, 0, c -> { })) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> MetricsHttpServer.start(MetricsHttpServer.DEFAULT_BIND, first.port(), c -> { }));
            assertTrue(e.getMessage().startsWith("cannot serve /metrics on 127.0.0.1:" + first.port() + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }
}
