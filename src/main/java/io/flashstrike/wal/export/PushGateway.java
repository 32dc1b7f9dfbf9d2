package io.flashstrike.wal.export;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pushes snapshots to a Prometheus Pushgateway, in the text format client_java renders.
 *
 * <p><b>POST, never PUT.</b> A POST replaces, within the grouping key, only the metric families it
 * carries. Every push carries every family of ours (each with all its series, zeros included), so
 * nothing stale of those survives; but a run that did not succeed pushes no
 * {@code last_success_timestamp_seconds}, and POST keeps the previous run's, which is exactly what
 * "the last time it succeeded" needs. PUT would delete it. (client_java's own pushgateway module
 * is not served by this project's registry at 1.10.0; this is the part of it we need, on the JDK's
 * HTTP client.)
 *
 * <p>Grouping key: {@code /metrics/job/JOB{/LABEL/VALUE}}; a value with a {@code /} (or empty) is
 * sent base64url-encoded ({@code LABEL@base64/...}), as the Pushgateway's API defines.
 * Thread-safe; each push is bounded by the timeout.
 */
public final class PushGateway {
    private final URI uri;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param gateway  e.g. {@code http://127.0.0.1:9091}
     * @param job      the {@code job} of the grouping key
     * @param grouping further grouping labels, in order
     * @throws IllegalArgumentException for a URL that is not http(s) or an invalid label name
     */
    public PushGateway(URI gateway, String job, Map<String, String> grouping, Duration timeout) {
        if (gateway.getScheme() == null || !(gateway.getScheme().equals("http") || gateway.getScheme().equals("https"))
                || gateway.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + gateway);
        }
        if (job == null || job.isEmpty()) {
            throw new IllegalArgumentException("the job name must not be empty");
        }
        StringBuilder path = new StringBuilder(gateway.toString().replaceAll("/+$", "")).append("/metrics");
        segment(path, "job", job);
        for (Map.Entry<String, String> e : new LinkedHashMap<>(grouping).entrySet()) {
            String name = e.getKey();
            if (!PrometheusNaming.isValidLegacyLabelName(name) || name.startsWith("__") || name.equals("job")) {
                throw new IllegalArgumentException("invalid grouping label name: " + name);
            }
            segment(path, name, e.getValue());
        }
        this.uri = URI.create(path.toString());
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Appends {@code /NAME/VALUE}, or {@code /NAME@base64/B64} when the value cannot travel as a path segment. */
    private static void segment(StringBuilder path, String name, String value) {
        boolean plain = !value.isEmpty() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f && "/%?#".indexOf(c) < 0);
        path.append('/').append(name);
        if (plain) {
            path.append('/').append(value);
        } else {
            path.append("@base64/").append(value.isEmpty() ? "="
                    : Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** @return where pushes go, with the grouping key */
    public URI uri() {
        return uri;
    }

    /**
     * POSTs {@code snapshots}.
     *
     * @throws IOException one line naming the URL and what went wrong (HTTP status and the first
     *                     line of the gateway's answer, connection refused, timed out)
     */
    public void push(MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        writer.write(body, snapshots);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", writer.getContentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("push to " + uri + " failed: connection refused");
        } catch (HttpTimeoutException e) {
            throw new IOException("push to " + uri + " failed: no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("push to " + uri + " interrupted");
        } catch (IOException e) {
            throw new IOException("push to " + uri + " failed: " + e);
        }
        if (r.statusCode() / 100 != 2) {
            String first = r.body() == null ? "" : r.body().lines().findFirst().orElse("");
            throw new IOException("push to " + uri + " failed: HTTP " + r.statusCode() + (first.isEmpty() ? "" : " " + first));
        }
    }
}
