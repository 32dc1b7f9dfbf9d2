package io.flashstrike.wal.recovery.telemetry.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Serves {@code /metrics} with Prometheus client_java's scrape handler (content negotiation: text
 * 0.0.4, OpenMetrics 1.0, protobuf; gzip; {@code name[]} filters) on the JDK's HTTP server, plus
 * {@code /-/healthy}. Binds to 127.0.0.1 unless told otherwise. Every scrape renders fresh
 * immutable snapshots through {@link WalMetricsSource}, from a registry of its own (never
 * client_java's JVM-wide default one).
 *
 * <p>Why not client_java's own {@code HTTPServer}: its class initializer sets two JVM-wide system
 * properties ({@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}) and its request adapter
 * initialises {@code java.util.logging} on the first scrape. In a JVM we do not own (the agent)
 * either is a trap: an application server that installs its own LogManager after us breaks
 * (prometheus/jmx_exporter #455, #1127). This class touches neither.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The default port, as the Prometheus exporter port registry allots to JVM exporters. */
    public static final int DEFAULT_PORT = 9464;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;

    private MetricsHttpServer(HttpServer server, ExecutorService executor, String host) {
        this.server = server;
        this.executor = executor;
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
        PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(registry);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        } catch (BindException e) {
            throw new IOException("cannot serve /metrics on " + bind + ":" + port + ": " + e.getMessage()
                    + " (is another exporter running? choose one with --metrics-port)");
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "flashstrike-metrics-http");
            t.setDaemon(true); // never keeps the JVM alive
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            try (ScrapeExchange e = new ScrapeExchange(exchange)) {
                scrape.handleRequest(e);
            }
        });
        server.createContext("/-/healthy", exchange -> ScrapeExchange.respond(exchange, 200, "Exporter is healthy.\n"));
        server.createContext("/", MetricsHttpServer::other);
        server.start();
        return new MetricsHttpServer(server, executor, bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind);
    }

    private static void other(HttpExchange exchange) {
        boolean root = exchange.getRequestURI().getPath().equals("/");
        ScrapeExchange.respond(exchange, root ? 200 : 404, root ? "flashstrike-wal-telemetry: metrics at /metrics\n"
                : "not found: only /metrics and /-/healthy are served here\n");
    }

    /** @return the bound port (useful with port 0) */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return {@code http://host:port/metrics} */
    public String url() {
        return "http://" + host + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
