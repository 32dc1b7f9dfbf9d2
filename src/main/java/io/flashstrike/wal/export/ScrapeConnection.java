package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One client connection, on its own thread: the TLS handshake, then requests (kept alive,
 * HTTP/1.1) until the client closes, a limit is hit or the server aborts it. Publishes to the
 * acceptor, through volatiles, whether it is waiting for a request and its deadline; the acceptor
 * alone calls {@link #abort}. Every path that answers 401 writes no byte of metrics.
 */
final class ScrapeConnection implements Runnable {
    /** What every connection of one server shares. */
    record Context(PrometheusScrapeHandler handler, WebConfig web, SSLSocketFactory tls, ServeLimits limits) {
    }

    static final String REALM = "flashstrike-wal";
    private static final String HEALTHY = "Exporter is healthy.\n";

    private final Socket raw;
    private final Context context;
    private final Consumer<ScrapeConnection> onExit;
    private volatile long deadline;
    private volatile long waitingSince;
    private volatile long busySince;
    private volatile boolean waiting = true;

    ScrapeConnection(Socket raw, Context context, Consumer<ScrapeConnection> onExit) {
        this.raw = raw;
        this.context = context;
        this.onExit = onExit;
        long now = System.nanoTime();
        this.waitingSince = now;
        this.deadline = now + context.limits().headTimeout().toNanos();
    }

    boolean waiting() {
        return waiting;
    }

    long waitingSince() {
        return waitingSince;
    }

    /** @return when it began answering its current request (meaningful while not {@link #waiting}) */
    long busySince() {
        return busySince;
    }

    long deadline() {
        return deadline;
    }

    /** Closes the raw socket: the connection's thread, in any read or write, fails and exits. */
    void abort() {
        closeQuietly(raw);
    }

    @Override
    public void run() {
        try {
            raw.setTcpNoDelay(true);
            Socket s = raw;
            if (context.tls() != null) {
                SSLSocket ssl = (SSLSocket) context.tls().createSocket(raw, null, true); // server mode
                SSLParameters p = ssl.getSSLParameters();
                context.web().tlsSettings().apply(p);
                ssl.setSSLParameters(p);
                ssl.startHandshake(); // plain HTTP, an old protocol or no trusted client certificate end here
                s = ssl;
            }
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
            boolean again = true;
            while (again) {
                again = serveOne(in, out);
            }
        } catch (IOException | java.io.UncheckedIOException | HttpRequest.Malformed e) {
            // a client that went away, timed out, failed the handshake or sent garbage: nothing to say
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(raw);
            onExit.accept(this);
        }
    }

    /** @return whether to read another request on this connection */
    private boolean serveOne(InputStream in, OutputStream out) throws IOException, HttpRequest.Malformed, InterruptedException {
        ServeLimits limits = context.limits();
        in.mark(1);
        if (in.read() < 0) {
            return false; // closed between requests
        }
        in.reset();
        deadline = System.nanoTime() + limits.headTimeout().toNanos(); // the request has begun: its head must follow
        HttpRequest request;
        try {
            request = HttpRequest.read(in, limits.maxHeadBytes(), limits.maxHeaders());
        } catch (HttpRequest.Malformed e) {
            HttpResponse.plain(out, e.status(), e.getMessage() + "\n", false, true);
            return false;
        }
        busySince = System.nanoTime();
        deadline = busySince + limits.responseTimeout().toNanos();
        waiting = false;
        boolean keepAlive = request.keepAlive();
        boolean head = request.method().equals("HEAD");
        BasicAuthUsers users = context.web().users();
        if (request.hasBody()) {
            HttpResponse.plain(out, 400, "a request body is not accepted\n", head, true);
            return false;
        } else if (!head && !request.method().equals("GET")) {
            HttpResponse.plain(out, 405, "only GET and HEAD\n", false, !keepAlive, "Allow", "GET, HEAD");
        } else if (users != null && !users.check(request.header("Authorization"))) {
            HttpResponse.plain(out, 401, "Unauthorized\n", head, !keepAlive,
                    "WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        } else if (request.path().equals("/metrics")) {
            HttpResponse response = new HttpResponse(out, head, keepAlive);
            context.handler().handleRequest(new ScrapeExchange(request, response));
            if (!response.finished()) {
                return false;
            }
        } else if (request.path().equals("/-/healthy")) {
            HttpResponse.plain(out, 200, HEALTHY, head, !keepAlive);
        } else if (request.path().equals("/")) {
            HttpResponse.plain(out, 200, "flashstrike-wal: metrics at /metrics, health at /-/healthy\n", head, !keepAlive);
        } else {
            HttpResponse.plain(out, 404, "not found; metrics are at /metrics\n", head, !keepAlive);
        }
        long now = System.nanoTime();
        waitingSince = now;
        deadline = now + limits.idleTimeout().toNanos();
        waiting = true;
        return keepAlive;
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
