package io.flashstrike.wal.recovery.telemetry.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Serves {@code /metrics} (and {@code /-/healthy}) with Prometheus client_java's HTTP server:
 * content negotiation (text 0.0.4, OpenMetrics 1.0, protobuf), gzip, {@code name[]} filters.
 * Binds to 127.0.0.1 unless told otherwise (client_java alone would bind every interface). Every
 * scrape renders fresh immutable snapshots through {@link WalMetricsSource}, from a registry of
 * its own: nothing is added to client_java's JVM-wide default registry.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The default port, as the Prometheus exporter port registry allots to JVM exporters. */
    public static final int DEFAULT_PORT = 9464;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private final HTTPServer server;
    private final String host;

    private MetricsHttpServer(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Starts with the default histogram bounds; see {@link #start(String, int, HistogramBounds, Consumer)}. */
    public static MetricsHttpServer start(String bind, int port, Consumer<MetricsCollector> exposure) throws IOException {
        return start(bind, port, HistogramBounds.DEFAULT, exposure);
    }

    /**
     * @param bind     address to bind, e.g. {@code 127.0.0.1}
     * @param port     port, 0 for any free one
     * @param bounds   the {@code le} bounds of the latency histograms
     * @param exposure fills a collector per scrape
     * @throws IOException with a one-line message, e.g. when the port is in use
     */
    public static MetricsHttpServer start(String bind, int port, HistogramBounds bounds,
                                          Consumer<MetricsCollector> exposure) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new WalMetricsSource(bounds, exposure));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "flashstrike-metrics-http");
            t.setDaemon(true); // never keeps the JVM alive
            return t;
        });
        try {
            HTTPServer server = HTTPServer.builder().hostname(bind).port(port).registry(registry)
                    .executorService(executor).buildAndStart();
            return new MetricsHttpServer(server, bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind);
        } catch (BindException e) {
            executor.shutdownNow();
            throw new IOException("cannot serve /metrics on " + bind + ":" + port + ": " + e.getMessage()
                    + " (is another exporter running? choose one with --metrics-port)");
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** @return the bound port (useful with port 0) */
    public int port() {
        return server.getPort();
    }

    /** @return {@code http://host:port/metrics} */
    public String url() {
        return "http://" + host + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
