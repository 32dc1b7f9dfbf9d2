package io.flashstrike.wal.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.x request head, read within a byte budget and a header-count limit (RFC 9112: request
 * line, header fields, CRLF; a bare LF is accepted as every server does). Immutable once read.
 */
final class HttpRequest {
    /** A request that is not one we answer; {@link #status()} says how. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Malformed(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final String method;
    private final String path;
    private final String query;
    private final boolean http11;
    private final Map<String, List<String>> headers; // lower-case names

    private HttpRequest(String method, String path, String query, boolean http11, Map<String, List<String>> headers) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.http11 = http11;
        this.headers = headers;
    }

    static HttpRequest read(InputStream in, int maxBytes, int maxHeaders) throws IOException, Malformed {
        int[] budget = {maxBytes};
        String line = line(in, budget);
        while (line.isEmpty()) { // RFC 9112 2.2: ignore empty lines before the request line
            line = line(in, budget);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new Malformed(400, "bad request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new Malformed(505, "HTTP/1.0 and HTTP/1.1 only");
        }
        String target = parts[1];
        int q = target.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        for (String h = line(in, budget); !h.isEmpty(); h = line(in, budget)) {
            if (++count > maxHeaders) {
                throw new Malformed(431, "more than " + maxHeaders + " header fields");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                throw new Malformed(400, "bad header field"); // obsolete line folding included
            }
            headers.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                    .add(h.substring(colon + 1).strip());
        }
        return new HttpRequest(parts[0], q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                parts[2].equals("HTTP/1.1"), headers);
    }

    private static String line(InputStream in, int[] budget) throws IOException, Malformed {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            if (--budget[0] < 0) {
                throw new Malformed(431, "request head larger than the limit");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b); // ISO-8859-1, as RFC 9110 5.5 reads field values
        }
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** @return the raw query string, or null */
    String query() {
        return query;
    }

    /** @return the first value of a header, or null */
    String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? null : v.get(0);
    }

    List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), Collections.emptyList());
    }

    boolean keepAlive() {
        String c = header("Connection");
        boolean close = c != null && c.toLowerCase(Locale.ROOT).contains("close");
        return http11 && !close; // HTTP/1.0 connections close after one answer
    }

    boolean hasBody() {
        String length = header("Content-Length");
        return header("Transfer-Encoding") != null || (length != null && !length.equals("0"));
    }

    static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
