package io.flashstrike.wal.export;


import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code /metrics} is protected: prometheus/exporter-toolkit's web configuration file (the
 * {@code --web.config.file} of every Prometheus exporter), the subset
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt          # PEM chain, leaf first; paths relative to this file
 *   key_file: server.key           # PEM: PKCS#8, PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
 *   client_auth_type: RequireAndVerifyClientCert   # NoClientCert (default), RequestClientCert,
 *                                  # RequireAnyClientCert, VerifyClientCertIfGiven
 *   client_ca_file: ca.crt         # the CAs a client certificate must chain to
 *   min_version: TLS12             # or TLS13; max_version likewise (default TLS13)
 *   cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]   # TLS 1.2 suites, Go's names
 *   prefer_server_cipher_suites: true
 * http_server_config:
 *   headers: {X-Frame-Options: deny}   # added to every response
 * basic_auth_users:
 *   prometheus: $2y$10$...         # bcrypt, as htpasswd -nBC 10 makes it
 * </pre>
 * Everything is read and checked once, by {@link #load}: a file that would fail later (a missing
 * key, an unreadable certificate, a key that does not match its certificate, an unknown field, a
 * hash that is not bcrypt) fails there, with one line naming the file and the problem. Fields of
 * exporter-toolkit's format that we do not implement (curves, allowed SANs, inline PEM, HTTP/2)
 * are refused by name, never silently ignored. Immutable; safe to share.
 */
public final class WebConfig {
    /** No file: plain HTTP, no authentication. */
    public static final WebConfig NONE = new WebConfig(null, null, null, Map.of());

    private final Path file;
    private final TlsSettings tls;
    private final BasicAuthUsers users;
    private final Map<String, String> headers;

    WebConfig(Path file, TlsSettings tls, BasicAuthUsers users, Map<String, String> headers) {
        this.file = file;
        this.tls = tls;
        this.users = users;
        this.headers = headers;
    }

    /** A web configuration file that cannot be used; the message is one line naming the file. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /**
     * Reads, checks and prepares everything the server will need (certificates, keys, hashes).
     *
     * @throws Invalid with one line, {@code FILE: problem}
     */
    public static WebConfig load(Path file) throws Invalid {
        return WebConfigFile.read(file); // SnakeYAML and Bouncy Castle load only with a file
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Path file, Object node, String what) throws Invalid {
        if (!(node instanceof Map)) {
            throw new Invalid(file, what + " must be a mapping");
        }
        for (Object k : ((Map<Object, Object>) node).keySet()) {
            if (!(k instanceof String)) {
                throw new Invalid(file, what + " has a key that is not a string: " + k);
            }
        }
        return (Map<String, Object>) node;
    }

    static String ioProblem(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return oneLine(e);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** @return the file this came from, empty for {@link #NONE} */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return whether clients must speak TLS */
    public boolean tls() {
        return tls != null;
    }

    /** @return whether every request needs a basic-auth user and password */
    public boolean basicAuth() {
        return users != null; // never empty: BasicAuthUsers.of refuses an empty map
    }

    /** @return whether TLS clients must present a certificate that chains to client_ca_file */
    public boolean requiresClientCertificate() {
        return tls != null && tls.clientAuth() == TlsSettings.ClientAuth.REQUIRE_AND_VERIFY;
    }

    /**
     * One warning line when {@code bind} reaches beyond this machine and what it serves is readable
     * or its passwords are sent in the clear; empty on loopback or when protected.
     */
    public Optional<String> exposureWarning(String bind) {
        if (isLoopback(bind)) {
            return Optional.empty();
        }
        String where = "/metrics on " + bind + " is reachable from other machines";
        if (!tls() && basicAuth()) {
            return Optional.of("warning: " + where + " and sends its basic-auth passwords in the clear: add tls_server_config to the --web-config-file");
        }
        if (!tls() && !basicAuth()) {
            return Optional.of("warning: " + where + " without TLS or basic auth: anyone who can connect reads it; see --web-config-file");
        }
        if (!basicAuth() && !requiresClientCertificate()) {
            return Optional.of("warning: " + where + " over TLS but without authentication: add basic_auth_users or client_auth_type: RequireAndVerifyClientCert");
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return {@code http_server_config.headers}: extra headers on every response */
    Map<String, String> headers() {
        return headers;
    }

    TlsSettings tlsSettings() {
        return tls;
    }

    BasicAuthUsers users() {
        return users;
    }

    @Override
    public String toString() {
        // Never the hashes: names of users are fine, their secrets are not.
        return "WebConfig[" + (file == null ? "none" : file) + ", tls=" + tls() + ", clientCert=" + requiresClientCertificate()
                + ", basicAuthUsers=" + (users == null ? List.of() : users.names()) + "]";
    }
}
