package io.flashstrike.wal.export;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.util.function.Consumer;

/**
 * Serves {@code /metrics} (and {@code /-/healthy}): client_java's scrape handler renders
 * (content negotiation: text 0.0.4, OpenMetrics 1.0, protobuf; gzip; {@code name[]} filters),
 * Jetty's core (no servlets, {@link ScrapeServer}) parses HTTP and owns sockets, threads and
 * time, with TLS and basic auth from a {@link WebConfig} and the limits of {@link ServeLimits}. Binds to 127.0.0.1 unless told otherwise. Every scrape
 * renders fresh immutable snapshots through {@link WalMetricsSource}, from a registry of its own:
 * nothing is added to client_java's JVM-wide default registry, and no system property is set.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The default port, as the Prometheus exporter port registry allots to JVM exporters. */
    public static final int DEFAULT_PORT = 9464;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private final ScrapeServer server;
    private final String host;
    private final boolean tls;

    private MetricsHttpServer(ScrapeServer server, String host, boolean tls) {
        this.server = server;
        this.host = host;
        this.tls = tls;
    }

    /** Starts with the default histogram bounds; see {@link #start(String, int, HistogramBounds, Consumer)}. */
    public static MetricsHttpServer start(String bind, int port, Consumer<MetricsCollector> exposure) throws IOException {
        return start(bind, port, HistogramBounds.DEFAULT, exposure);
    }

    /** Plain HTTP, no authentication; see {@link #start(String, int, HistogramBounds, WebConfig, Consumer)}. */
    public static MetricsHttpServer start(String bind, int port, HistogramBounds bounds,
                                          Consumer<MetricsCollector> exposure) throws IOException {
        return start(bind, port, bounds, WebConfig.NONE, exposure);
    }

    /**
     * @param bind     address to bind, e.g. {@code 127.0.0.1}
     * @param port     port, 0 for any free one
     * @param bounds   the {@code le} bounds of the latency histograms
     * @param web      TLS and basic auth ({@link WebConfig#load}), or {@link WebConfig#NONE}
     * @param exposure fills a collector per scrape
     * @throws IOException with a one-line message, e.g. when the port is in use
     */
    public static MetricsHttpServer start(String bind, int port, HistogramBounds bounds, WebConfig web,
                                          Consumer<MetricsCollector> exposure) throws IOException {
        return start(bind, port, bounds, web, ServeLimits.DEFAULT, exposure);
    }

    static MetricsHttpServer start(String bind, int port, HistogramBounds bounds, WebConfig web, ServeLimits limits,
                                   Consumer<MetricsCollector> exposure) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new WalMetricsSource(bounds, exposure));
        try {
            ScrapeServer server = ScrapeServer.start(bind, port, new PrometheusScrapeHandler(registry), web, limits);
            return new MetricsHttpServer(server, bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind, web.tls());
        } catch (BindException e) {
            throw new IOException("cannot serve /metrics on " + bind + ":" + port + ": " + e.getMessage()
                    + " (is another exporter running? choose one with --metrics-port)");
        }
    }

    /** @return the bound port (useful with port 0) */
    public int port() {
        return server.port();
    }

    /** @return {@code http://host:port/metrics}, or {@code https://} with TLS */
    public String url() {
        return (tls ? "https://" : "http://") + host + ":" + port() + "/metrics";
    }

    int openConnections() {
        return server.openConnections();
    }

    @Override
    public void close() {
        server.close();
    }
}
