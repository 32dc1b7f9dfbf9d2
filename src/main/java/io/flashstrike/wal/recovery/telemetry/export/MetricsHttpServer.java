package io.flashstrike.wal.recovery.telemetry.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flashstrike.wal.recovery.telemetry.PrometheusTextCollector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves {@code GET /metrics} in the Prometheus text format, from the JDK's own HTTP server.
 * Binds to 127.0.0.1 unless told otherwise. Every scrape renders a fresh exposition from
 * immutable snapshots; a scrape that fails answers 500 with the reason and never stops the server.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The default port, as the Prometheus exporter port registry allots to JVM exporters. */
    public static final int DEFAULT_PORT = 9464;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private static final Logger LOG = Logger.getLogger(MetricsHttpServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param bind     address to bind, e.g. {@code 127.0.0.1}
     * @param port     port, 0 for any free one
     * @param exposure fills a collector per scrape
     * @throws IOException with a one-line message, e.g. when the port is in use
     */
    public static MetricsHttpServer start(String bind, int port, Consumer<PrometheusTextCollector> exposure) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (BindException e) {
            throw new IOException("cannot serve /metrics on " + bind + ":" + port + ": " + e.getMessage()
                    + " (is another exporter running? choose one with --metrics-port)");
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flashstrike-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, exposure));
        server.start();
        return new MetricsHttpServer(server, executor);
    }

    /** @return the bound port (useful with port 0) */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return {@code http://host:port/metrics} */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void handle(HttpExchange exchange, Consumer<PrometheusTextCollector> exposure) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                respond(exchange, 404, "text/plain; charset=utf-8", "only /metrics is served here\n", true);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD\n", true);
                return;
            }
            String body;
            try {
                PrometheusTextCollector c = new PrometheusTextCollector();
                exposure.accept(c);
                body = c.text();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "flashstrike: /metrics scrape failed", e);
                respond(exchange, 500, "text/plain; charset=utf-8", "scrape failed: " + e + "\n", true);
                return;
            }
            respond(exchange, 200, PrometheusTextCollector.CONTENT_TYPE, body, method.equals("GET"));
        }
    }

    private static void respond(HttpExchange exchange, int code, String type, String body, boolean withBody) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, withBody ? bytes.length : -1);
        if (withBody) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
