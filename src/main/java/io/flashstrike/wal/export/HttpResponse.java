package io.flashstrike.wal.export;

import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A response on a kept-alive connection: status line and headers, then a body of a known length,
 * none, or chunks (client_java asks for "length 0" when it streams gzip). Single-threaded: the
 * connection's thread only.
 */
final class HttpResponse implements PrometheusHttpResponse {
    private final OutputStream out;
    private final boolean head;
    private final boolean keepAlive;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private OutputStream body;
    private boolean finished;

    HttpResponse(OutputStream out, boolean head, boolean keepAlive) {
        this.out = out;
        this.head = head;
        this.keepAlive = keepAlive;
    }

    /** Writes a short text/plain answer: status, optional header pairs, body unless {@code head}. */
    static void plain(OutputStream out, int status, String text, boolean head, boolean close, String... headerPairs)
            throws IOException {
        HttpResponse r = new HttpResponse(out, head, !close);
        r.setHeader("Content-Type", "text/plain; charset=utf-8");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            r.setHeader(headerPairs[i], headerPairs[i + 1]);
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (OutputStream b = r.sendHeadersAndGetBody(status, bytes.length)) {
            b.write(bytes);
        }
        r.finish();
    }

    @Override
    public void setHeader(String name, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " has a line break");
        }
        headers.put(name, value);
    }

    /**
     * @param contentLength bytes to follow; 0: not known, chunked; -1: no body
     */
    @Override
    public OutputStream sendHeadersAndGetBody(int status, int contentLength) throws IOException {
        if (body != null) {
            throw new IllegalStateException("headers already sent");
        }
        boolean chunked = contentLength == 0 && !head;
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Length") || k.equalsIgnoreCase("Transfer-Encoding")
                || k.equalsIgnoreCase("Connection"));
        if (chunked) {
            headers.put("Transfer-Encoding", "chunked");
        } else {
            headers.put("Content-Length", String.valueOf(Math.max(contentLength, 0)));
        }
        if (!keepAlive) {
            headers.put("Connection", "close");
        }
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        out.write(ScrapeConnection.ascii(sb.append("\r\n").toString()));
        body = head || contentLength < 0 ? OutputStream.nullOutputStream() : chunked ? new Chunked(out) : new Unclosable(out);
        return body;
    }

    /** Ends the body (the last chunk) and flushes; idempotent. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        if (body == null) {
            sendHeadersAndGetBody(500, -1);
        }
        body.close();
        out.flush();
        finished = true;
    }

    boolean started() {
        return body != null;
    }

    boolean finished() {
        return finished;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    /** A body of the length announced; closing it leaves the connection open. */
    private static final class Unclosable extends FilterOutputStream {
        Unclosable(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** RFC 9112 7.1 chunked coding; close writes the last chunk, once. */
    private static final class Chunked extends FilterOutputStream {
        private boolean closed;

        Chunked(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-length chunk would end the body
            }
            out.write(ScrapeConnection.ascii(Integer.toHexString(len).toUpperCase(Locale.ROOT) + "\r\n"));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.write(ScrapeConnection.ascii("0\r\n\r\n"));
                out.flush();
            }
        }
    }
}
