package io.flashstrike.wal.monitoring;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flashstrike.wal.segment.WalGenerator;
import io.flashstrike.wal.testsupport.ChildJvm;
import io.flashstrike.wal.testsupport.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Grafana here, so the dashboard is proven by its queries: the JSON parses as a current-schema
 * dashboard with the data source as a variable, and every panel's PromQL (Grafana's variables
 * substituted) returns data from a real Prometheus that scraped a real recovery — one with JFR on
 * and the live stream (the stream's families) and a torn tail (an anomaly).
 */
class DashboardQueriesTest {
    private static final Path DASHBOARD = Path.of("monitoring", "dashboards", "flashstrike-wal.json");

    @Test
    void theDashboardParsesAndEveryPanelQueryReturnsData(@TempDir Path tmp) throws Exception {
        JsonObject dash = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
        assertTrue(dash.get("schemaVersion").getAsInt() >= 36, "schemaVersion");
        JsonObject ds = dash.getAsJsonObject("templating").getAsJsonArray("list").get(0).getAsJsonObject();
        assertEquals("datasource", ds.get("type").getAsString());
        Map<String, String> queries = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        for (JsonElement e : dash.getAsJsonArray("panels")) {
            JsonObject p = e.getAsJsonObject();
            if (p.get("type").getAsString().equals("row")) {
                rows.add(p.get("title").getAsString());
                continue;
            }
            assertEquals("${datasource}", p.getAsJsonObject("datasource").get("uid").getAsString(), p.get("title").getAsString());
            for (JsonElement t : p.getAsJsonArray("targets")) {
                queries.put(p.get("title").getAsString() + " / " + t.getAsJsonObject().get("refId").getAsString(),
                        t.getAsJsonObject().get("expr").getAsString());
            }
        }
        assertEquals(List.of("Recovery manager", "Segment preloader", "Segment reader (replay)", "JFR event stream"), rows,
                "one row per block, and the stream");

        PrometheusServer.require();
        Path wal = tmp.resolve("wal");
        WalGenerator.into(wal).segments(6).segmentSize(64 << 10).payloadSize(100).generate();
        try (var files = Files.list(wal)) { // a torn tail: tolerated, counted as an anomaly
            Path newest = files.filter(f -> f.getFileName().toString().endsWith(".wal")).sorted().reduce((a, b) -> b).orElseThrow();
            try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
                f.setLength(f.length() - 37);
            }
        }
        ChildJvm.Serving child = ChildJvm.startServingRecovery(tmp.resolve("recover.log"), "--dir", wal.toString(),
                "--jfr", tmp.resolve("r.jfr").toString(), "--live-stream", "--dump-interval", "0");
        try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"),
                PrometheusServer.scrapingEverySecond(child.port()))) {
            ChildJvm.awaitOutput(tmp.resolve("recover.log"), "serving the final values", Duration.ofSeconds(60));
            // Enough scrapes of the final values for every rate() window below.
            prometheus.awaitValue("count_over_time(flashstrike_wal_recover_total{outcome=\"success\",status=\"OK\"}[1m]) >= 4", 4,
                    Duration.ofSeconds(30));
            List<String> empty = new ArrayList<>();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                String promql = q.getValue().replace("$job", ".+").replace("$instance", ".+").replace("$__rate_interval", "30s");
                if (prometheus.query(promql).isEmpty()) {
                    empty.add(q.getKey() + ": " + promql);
                }
            }
            assertTrue(empty.isEmpty(), "panels without data:\n" + String.join("\n", empty));
        } finally {
            child.process().destroyForcibly().waitFor();
        }
    }
}
