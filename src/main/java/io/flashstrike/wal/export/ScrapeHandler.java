package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.nio.charset.StandardCharsets;

/**
 * Answers every request Jetty has parsed: {@code GET}/{@code HEAD} of {@code /metrics} (through
 * client_java), {@code /-/healthy} and {@code /}; 405 for other methods, 400 for a body or a bad
 * {@code %} escape, 404 elsewhere. With basic auth, nothing but a 401 (or a 503 while the check
 * could not run) is answered before the credentials are proven, and no byte of metrics ever.
 * Blocking: runs on a Jetty pool thread, which client_java's rendering needs.
 */
final class ScrapeHandler extends Handler.Abstract {
    static final String REALM = "flashstrike-wal";
    private static final String HEALTHY = "Exporter is healthy.\n";
    /** Header fields one request may carry; a scraper sends about five. Jetty bounds only their bytes. */
    static final int MAX_HEADER_FIELDS = 100;

    private final PrometheusScrapeHandler scrape;
    private final WebConfig web;

    ScrapeHandler(PrometheusScrapeHandler scrape, WebConfig web) {
        super(InvocationType.BLOCKING);
        this.scrape = scrape;
        this.web = web;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        web.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (request.getHeaders().size() > MAX_HEADER_FIELDS) {
            return plain(response, callback, 431, "more than " + MAX_HEADER_FIELDS + " header fields\n", true);
        }
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            return plain(response, callback, 405, "only GET and HEAD\n", false);
        }
        if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) || request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0) {
            return plain(response, callback, 400, "a request body is not accepted\n", true);
        }
        BasicAuthUsers users = web.users();
        if (users != null) {
            BasicAuthUsers.Check check;
            try {
                check = users.check(request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request));
            } catch (InterruptedException requestAborted) {
                // Jetty interrupts a handler thread whose request it abandons (the client left, the
                // server stops): that check is answered as busy, not thrown (a 500). The flag is not
                // set again: the thread goes back to Jetty's pool, and a set flag would refuse the
                // next request's check on it at once (seen: every first login a 503).
                check = BasicAuthUsers.Check.BUSY;
            }
            switch (check) {
                case PROVEN -> { }
                case REFUSED -> {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
                    // a failed connection does not stay at the head of the queue: it must reconnect
                    return plain(response, callback, 401, "Unauthorized\n", true);
                }
                case BUSY -> {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                    return plain(response, callback, 503, "credentials not checked yet: too many checks at once, retry\n", true);
                }
            }
        }
        String path = Request.getPathInContext(request);
        switch (path) {
            case "/metrics" -> {
                Fields query;
                try {
                    query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
                } catch (RuntimeException badEscape) {
                    return plain(response, callback, 400, "the query string is not valid percent-encoded UTF-8\n", false);
                }
                try (ScrapeExchange exchange = new ScrapeExchange(request, response, query)) {
                    scrape.handleRequest(exchange);
                }
                callback.succeeded();
                return true;
            }
            case "/-/healthy" -> {
                return plain(response, callback, 200, HEALTHY, false);
            }
            case "/" -> {
                return plain(response, callback, 200, "flashstrike-wal: metrics at /metrics, health at /-/healthy\n", false);
            }
            default -> {
                return plain(response, callback, 404, "not found; metrics are at /metrics\n", false);
            }
        }
    }

    /** One short text answer; Jetty states its length (for a HEAD too) and sends no body to a HEAD. */
    private static boolean plain(Response response, Callback callback, int status, String text, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        Content.Sink.write(response, true, text, callback);
        return true;
    }
}
