package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * client_java's view of one {@code /metrics} request on our connection: the request head as read,
 * the response as {@link HttpResponse} writes it. client_java's handler renders, sets the headers
 * and calls {@link #close}, which ends the body.
 */
final class ScrapeExchange implements PrometheusHttpExchange {
    private final HttpRequest request;
    private final HttpResponse response;

    ScrapeExchange(HttpRequest request, HttpResponse response) {
        this.request = request;
        this.response = response;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return new PrometheusHttpRequest() {
            @Override
            public String getQueryString() {
                return request.query();
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(request.headers(name));
            }

            @Override
            public String getMethod() {
                return request.method();
            }

            @Override
            public String getRequestPath() {
                return request.path();
            }

            @Override
            public String[] getParameterValues(String name) {
                // name[]=a&name[]=b: decoded, as the JDK server's client_java adapter does
                if (request.query() == null) {
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (String pair : request.query().split("&")) {
                    int eq = pair.indexOf('=');
                    String key = HttpRequest.decode(eq < 0 ? pair : pair.substring(0, eq));
                    if (key.equals(name)) {
                        values.add(eq < 0 ? "" : HttpRequest.decode(pair.substring(eq + 1)));
                    }
                }
                return values.isEmpty() ? null : values.toArray(new String[0]);
            }
        };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return response;
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e; // the client is gone or too slow: the connection closes
    }

    @Override
    public void handleException(RuntimeException e) {
        // A collector failed: a 500 if nothing was sent yet; the stack trace stays out of the body.
        if (!response.started()) {
            try {
                response.setHeader("Content-Type", "text/plain; charset=utf-8");
                byte[] text = ScrapeConnection.ascii("error collecting metrics: " + e.getClass().getSimpleName() + "\n");
                response.sendHeadersAndGetBody(500, text.length).write(text);
            } catch (IOException gone) {
                throw new UncheckedIOException(gone);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (response.started()) {
                response.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
