package io.flashstrike.wal.recovery.telemetry.export;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * One JDK {@link HttpExchange} as client_java's scrape handler sees it (its format negotiation,
 * gzip and {@code name[]} filters then apply unchanged). A scrape that fails answers 500 with one
 * line and no stack trace; nothing is logged through {@code java.util.logging} (see
 * {@link MetricsHttpServer} for why that matters in someone else's JVM).
 */
final class ScrapeExchange implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
    private final HttpExchange exchange;

    ScrapeExchange(HttpExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return this;
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return this;
    }

    @Override
    public String getQueryString() {
        return exchange.getRequestURI().getRawQuery();
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return Collections.enumeration(values == null ? List.of() : values);
    }

    @Override
    public String getMethod() {
        return exchange.getRequestMethod();
    }

    @Override
    public String getRequestPath() {
        return exchange.getRequestURI().getPath();
    }

    @Override
    public void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    @Override
    public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) throws IOException {
        // client_java passes 0 when it streams (gzip): the JDK's 0 means chunked, as wanted.
        exchange.sendResponseHeaders(statusCode, contentLength > 0 ? contentLength : 0);
        return exchange.getResponseBody();
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e; // the client went away mid-response: nothing to tell it
    }

    @Override
    public void handleException(RuntimeException e) {
        respond(exchange, 500, "scrape failed: " + e + "\n");
    }

    @Override
    public void close() {
        exchange.close();
    }

    /** A small plain-text answer; a client that has gone is not an error of ours. */
    static void respond(HttpExchange exchange, int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(bytes);
                }
            }
        } catch (IOException | IllegalStateException gone) {
            // headers already sent, or the client closed the connection
        } finally {
            exchange.close();
        }
    }
}
