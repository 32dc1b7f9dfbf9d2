package io.flashstrike.wal.testsupport;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus (Debian's package) started by a test on loopback, with the config the test
 * writes, and its HTTP query API; or a real Pushgateway. Required under {@code CI=true}; skipped elsewhere when absent.
 * Its port is chosen free and, should another process take it before Prometheus binds, chosen
 * again (bounded retries), so a race costs a retry, never a wrong server.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final Path PUSHGATEWAY = Path.of("/usr/bin/prometheus-pushgateway");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Skips the test (or fails it under CI) when Prometheus is not installed. */
    public static void require() {
        require(BINARY, "prometheus");
    }

    private static void require(Path binary, String pkg) {
        if (!Files.isExecutable(binary)) {
            assertTrue(!"true".equals(System.getenv("CI")), binary + " is not installed; .ci/run installs it");
            assumeTrue(false, binary + " not installed (apt-get install " + pkg + ")");
        }
    }

    /**
     * Starts Prometheus with {@code config} (a prometheus.yml text) in {@code dir}; returns once its
     * API answers. {@code extraFiles} are written next to the config first (rule files).
     */
    public static PrometheusServer start(Path dir, String config, String... extraFiles) throws Exception {
        return start(dir, List.of(), config, extraFiles);
    }

    /** A prometheus.yml scraping {@code 127.0.0.1:PORT} for each port every second, as job {@code flashstrike_wal}. */
    public static String scrapingEverySecond(int... ports) {
        StringBuilder targets = new StringBuilder();
        for (int port : ports) {
            targets.append(targets.length() == 0 ? "" : ", ").append("'127.0.0.1:").append(port).append('\'');
        }
        return """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: flashstrike_wal
                    static_configs:
                      - targets: [%s]
                """.formatted(targets);
    }

    /** The same, with extra command-line {@code flags} (e.g. {@code --enable-feature=native-histograms}). */
    public static PrometheusServer start(Path dir, List<String> flags, String config, String... extraFiles) throws Exception {
        require();
        Files.createDirectories(dir);
        for (int i = 0; i + 1 < extraFiles.length; i += 2) {
            Files.writeString(dir.resolve(extraFiles[i]), extraFiles[i + 1]);
        }
        Path yml = dir.resolve("prometheus.yml");
        Files.writeString(yml, config);
        return launch(dir, "prometheus", attempt -> {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--config.file=" + yml,
                    "--storage.tsdb.path=" + dir.resolve("data-" + attempt)));
            cmd.addAll(flags);
            return cmd;
        });
    }

    /** Starts a real Pushgateway (Debian's prometheus-pushgateway) on loopback, without persistence. */
    public static PrometheusServer startPushgateway(Path dir) throws Exception {
        require(PUSHGATEWAY, "prometheus-pushgateway");
        Files.createDirectories(dir);
        return launch(dir, "pushgateway", attempt -> List.of(PUSHGATEWAY.toString()));
    }

    private static PrometheusServer launch(Path dir, String name, java.util.function.IntFunction<List<String>> command)
            throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log = dir.resolve(name + "-" + attempt + ".log");
            List<String> cmd = new ArrayList<>(command.apply(attempt));
            cmd.add("--web.listen-address=127.0.0.1:" + port);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusServer s = new PrometheusServer(p, port, log);
            try {
                if (s.awaitReady(Duration.ofSeconds(30))) {
                    return s;
                }
                last = new IOException(name + " did not become ready: " + Files.readString(log));
            } catch (RuntimeException | Error e) {
                s.close();
                throw e;
            }
            s.close();
        }
        throw last;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private boolean awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** @return the values of an instant query's vector result (empty when no sample) */
    public List<Double> query(String promql) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("query " + promql + " answered " + r.statusCode() + ": " + r.body());
        }
        JsonObject data = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("data");
        List<Double> values = new ArrayList<>();
        if (data.get("resultType").getAsString().equals("scalar")) {
            values.add(Double.parseDouble(data.getAsJsonArray("result").get(1).getAsString()));
            return values;
        }
        for (var e : data.getAsJsonArray("result")) {
            JsonArray v = e.getAsJsonObject().getAsJsonArray("value");
            values.add(Double.parseDouble(v.get(1).getAsString()));
        }
        return values;
    }

    /** One exemplar as {@code /api/v1/query_exemplars} returns it, with its series' labels. */
    public record StoredExemplar(java.util.Map<String, String> series, java.util.Map<String, String> labels, double value,
                                 double timestampSeconds) {
    }

    /**
     * @return the exemplars Prometheus stored for the series of {@code promql} between the two
     *         times (seconds since the epoch); needs {@code --enable-feature=exemplar-storage}
     */
    public List<StoredExemplar> exemplars(String promql, double startSeconds, double endSeconds) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query_exemplars?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + startSeconds + "&end=" + endSeconds);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("query_exemplars " + promql + " answered " + r.statusCode() + ": " + r.body());
        }
        List<StoredExemplar> out = new ArrayList<>();
        for (var s : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("data")) {
            java.util.Map<String, String> series = strings(s.getAsJsonObject().getAsJsonObject("seriesLabels"));
            for (var x : s.getAsJsonObject().getAsJsonArray("exemplars")) {
                JsonObject e = x.getAsJsonObject();
                out.add(new StoredExemplar(series, strings(e.getAsJsonObject("labels")), Double.parseDouble(e.get("value").getAsString()),
                        e.get("timestamp").getAsDouble()));
            }
        }
        return out;
    }

    private static java.util.Map<String, String> strings(JsonObject o) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
        return m;
    }

    /** Polls until {@code promql} has exactly one sample equal to {@code expected}; returns the last value seen. */
    public OptionalDouble awaitValue(String promql, double expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        OptionalDouble last = OptionalDouble.empty();
        while (System.nanoTime() < deadline) {
            List<Double> v = query(promql);
            if (v.size() == 1) {
                last = OptionalDouble.of(v.get(0));
                if (v.get(0) == expected) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        return last;
    }

    public int port() {
        return port;
    }

    /** @return what Prometheus logged so far */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
