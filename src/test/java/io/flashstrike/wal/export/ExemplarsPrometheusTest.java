package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.Exposition;
import io.flashstrike.wal.testsupport.PrometheusServer;
import io.flashstrike.wal.testsupport.PrometheusServer.StoredExemplar;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From a latency bucket to its segment: a real Prometheus with exemplar storage scrapes a real
 * recovery (OpenMetrics, which carries exemplars), and every exemplar it stored names a segment
 * whose {@code PreloadSegment} event is in the run's recording with that duration, ended at that
 * time, and in that bucket.
 */
class ExemplarsPrometheusTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @Test
    void prometheusStoresExemplarsWhoseSegmentIdsAndDurationsAreInTheRecording(@TempDir Path tmp) throws Exception {
        PrometheusServer.require();
        double before = System.currentTimeMillis() / 1e3;
        WalGenerator.into(tmp.resolve("wal")).segments(24).segmentSize(64 << 10).payloadSize(200).generate();
        ChildJvm.Serving run = ChildJvm.startServingRecovery(tmp.resolve("run.log"), "--dir", tmp.resolve("wal").toString(),
                "--jfr", tmp.resolve("run.jfr").toString(), "--dump-interval", "0");
        try {
            ChildJvm.awaitOutput(tmp.resolve("run.log"), "serving the final values", Duration.ofSeconds(60));
            Map<Long, RecordedEvent> preloads = RecordingFile.readAllEvents(tmp.resolve("run.jfr")).stream()
                    .filter(e -> e.getEventType().getName().equals(PreloadSegmentEvent.NAME))
                    .collect(Collectors.toMap(e -> e.getLong("segmentId"), e -> e));
            assertEquals(24, preloads.size(), "one PreloadSegment event per segment");

            String url = "http://127.0.0.1:" + run.port() + "/metrics";
            String openMetrics = scrape(url, OPENMETRICS);
            assertTrue(openMetrics.matches("(?s).*flashstrike_wal_preload_segment_duration_seconds_bucket\\{[^}]*} \\d+ # \\{segment_id=\"\\d+\"} .*"),
                    "OpenMetrics buckets carry exemplars:\n" + openMetrics);
            assertFalse(Exposition.scrape(url).contains("# {"), "text 0.0.4 has no place for exemplars");

            try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"),
                    List.of("--enable-feature=exemplar-storage"), PrometheusServer.scrapingEverySecond(run.port()))) {
                String series = "flashstrike_wal_preload_segment_duration_seconds_bucket";
                List<StoredExemplar> stored = List.of();
                long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (stored.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    stored = prometheus.exemplars(series, before - 60, System.currentTimeMillis() / 1e3 + 60);
                }
                assertFalse(stored.isEmpty(), "no exemplar stored\n" + prometheus.log());
                for (StoredExemplar x : stored) {
                    String id = x.labels().get("segment_id");
                    assertNotNull(id, "labelled with the segment: " + x);
                    RecordedEvent e = preloads.get(Long.parseLong(id));
                    assertNotNull(e, "segment " + id + " has a PreloadSegment event: " + x);
                    double seconds = e.getDuration().toNanos() / 1e9;
                    assertEquals(seconds, x.value(), 1e-9, "the exemplar's value is that preload's duration: " + x);
                    double end = e.getEndTime().toEpochMilli() / 1e3;
                    assertEquals(end, x.timestampSeconds(), 1.0, "the exemplar's time is that preload's end: " + x);
                    double le = Double.parseDouble(x.series().get("le").replace("+Inf", "Infinity"));
                    assertTrue(x.value() <= le, "in its bucket: " + x);
                }
                // The dashboard's latency panels ask Grafana for exemplars: their queries find these.
                int panels = 0;
                for (String expr : exemplarQueries()) {
                    String promql = expr.replace("$job", ".+").replace("$instance", ".+").replace("$__rate_interval", "30s");
                    List<StoredExemplar> found = prometheus.exemplars(promql, before - 60, System.currentTimeMillis() / 1e3 + 60);
                    assertFalse(found.isEmpty(), "no exemplar for the dashboard's " + promql);
                    assertTrue(found.stream().allMatch(x -> x.labels().containsKey("segment_id")), found.toString());
                    panels++;
                }
                assertTrue(panels >= 3, "preload, finish and read p99 show exemplars: " + panels);
                System.out.printf("exemplars: %d stored by Prometheus, every one a segment of the recording (%s)%n", stored.size(),
                        stored.stream().map(x -> x.series().get("le") + "→" + x.labels().get("segment_id")).toList());
            }
        } finally {
            run.process().destroyForcibly().waitFor();
        }
    }

    /** @return the queries of the dashboard's targets that ask for exemplars */
    private static List<String> exemplarQueries() throws Exception {
        JsonObject dash = JsonParser.parseString(Files.readString(Path.of("monitoring", "dashboards", "flashstrike-wal.json")))
                .getAsJsonObject();
        List<String> out = new java.util.ArrayList<>();
        for (JsonElement p : dash.getAsJsonArray("panels")) {
            JsonArray targets = p.getAsJsonObject().getAsJsonArray("targets");
            for (JsonElement t : targets == null ? new JsonArray() : targets) {
                JsonObject o = t.getAsJsonObject();
                if (o.has("exemplar") && o.get("exemplar").getAsBoolean()) {
                    out.add(o.get("expr").getAsString());
                }
            }
        }
        return out;
    }

    private static String scrape(String url, String accept) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
