package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * client_java's view of one Jetty request to {@code /metrics}: client_java's handler renders,
 * sets the headers, asks for the body stream and calls {@link #close}, which ends the body. A
 * {@code HEAD} is shown to client_java as the {@code GET} it stands for, so it renders and states
 * the same headers (a real {@code Content-Length}); Jetty sends no body for a {@code HEAD}.
 */
final class ScrapeExchange implements PrometheusHttpExchange {
    private final Request request;
    private final Response response;
    private final Fields query;
    private OutputStream body;

    /** @param query the request's query parameters, already decoded (a bad escape was a 400) */
    ScrapeExchange(Request request, Response response, Fields query) {
        this.request = request;
        this.response = response;
        this.query = query;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return new PrometheusHttpRequest() {
            @Override
            public String getQueryString() {
                return request.getHttpURI().getQuery();
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(request.getHeaders().getValuesList(name));
            }

            @Override
            public String getMethod() {
                return "GET"; // HEAD included: see the class comment
            }

            @Override
            public String getRequestPath() {
                return Request.getPathInContext(request);
            }

            @Override
            public String[] getParameterValues(String name) {
                List<String> values = query.getValues(name);
                return values == null || values.isEmpty() ? null : values.toArray(new String[0]);
            }
        };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return new PrometheusHttpResponse() {
            @Override
            public void setHeader(String name, String value) {
                response.getHeaders().put(name, value);
            }

            @Override
            public OutputStream sendHeadersAndGetBody(int status, int contentLength) {
                response.setStatus(status);
                if (contentLength > 0) {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, contentLength);
                }
                body = Content.Sink.asOutputStream(response);
                return body;
            }
        };
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e; // the client is gone or too slow: Jetty closes the connection
    }

    @Override
    public void handleException(RuntimeException e) {
        // A collector failed: a 500 if nothing was sent yet; the stack trace stays out of the body.
        if (!response.isCommitted()) {
            response.getHeaders().clear();
            response.setStatus(500);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            try {
                Content.Sink.write(response, true, StandardCharsets.UTF_8.encode(
                        "error collecting metrics: " + e.getClass().getSimpleName() + "\n"));
            } catch (IOException gone) {
                throw new UncheckedIOException(gone);
            }
        }
    }

    /** Ends the body client_java began (a blocking last write). */
    @Override
    public void close() {
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
