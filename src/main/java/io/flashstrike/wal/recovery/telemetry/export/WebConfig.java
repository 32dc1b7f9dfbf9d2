package io.flashstrike.wal.recovery.telemetry.export;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code /metrics} is protected: prometheus/exporter-toolkit's web configuration file (the
 * {@code --web.config.file} of every Prometheus exporter), the subset
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt          # PEM chain, leaf first; paths relative to this file
 *   key_file: server.key           # PEM: PKCS#8, PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
 *   client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (default), VerifyClientCertIfGiven
 *   client_ca_file: ca.crt         # the CAs a client certificate must chain to
 *   min_version: TLS12             # or TLS13; max_version likewise (default TLS13)
 * basic_auth_users:
 *   prometheus: $2y$10$...         # bcrypt, as htpasswd -nBC 10 makes it
 * </pre>
 * Everything is read and checked once, by {@link #load}: a file that would fail later (a missing
 * key, an unreadable certificate, a key that does not match its certificate, an unknown field, a
 * hash that is not bcrypt) fails there, with one line naming the file and the problem. Fields of
 * exporter-toolkit's format that we do not implement (cipher suites, curves, allowed SANs, HTTP
 * headers) are refused by name, never silently ignored. Immutable; safe to share.
 */
public final class WebConfig {
    /** No file: plain HTTP, no authentication. */
    public static final WebConfig NONE = new WebConfig(null, null, null);

    private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version");
    private static final Set<String> NOT_IMPLEMENTED = Set.of("http_server_config", "cipher_suites", "curve_preferences",
            "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key", "client_ca");

    private final Path file;
    private final TlsSettings tls;
    private final BasicAuthUsers users;

    private WebConfig(Path file, TlsSettings tls, BasicAuthUsers users) {
        this.file = file;
        this.tls = tls;
        this.users = users;
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
        Object root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // YAML 1.2 core schema, no tags to classes, duplicate keys refused: data only.
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10).setCodePointLimit(1 << 20).build();
            root = new Load(settings).loadFromReader(in);
        } catch (IOException e) {
            throw new Invalid(file, "cannot read: " + ioProblem(e));
        } catch (YamlEngineException e) {
            throw new Invalid(file, "not valid YAML: " + oneLine(e));
        }
        if (root == null) {
            return new WebConfig(file, null, null); // an empty file: exporter-toolkit serves plain HTTP too
        }
        Map<String, Object> top = map(file, root, "the file");
        checkKeys(file, top, TOP, "");
        Path dir = file.toAbsolutePath().getParent();
        TlsSettings tls = top.containsKey("tls_server_config")
                ? TlsSettings.load(file, dir, tlsFields(file, top.get("tls_server_config"))) : null;
        BasicAuthUsers users = top.containsKey("basic_auth_users")
                ? BasicAuthUsers.of(file, map(file, top.get("basic_auth_users"), "basic_auth_users")) : null;
        return new WebConfig(file, tls, users);
    }

    private static Map<String, Object> tlsFields(Path file, Object node) throws Invalid {
        Map<String, Object> fields = map(file, node, "tls_server_config");
        checkKeys(file, fields, TLS, "tls_server_config.");
        Map<String, Object> strings = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new Invalid(file, "tls_server_config." + e.getKey() + " must be a string");
            }
            strings.put(e.getKey(), e.getValue());
        }
        return strings;
    }

    private static void checkKeys(Path file, Map<String, Object> m, Set<String> known, String prefix) throws Invalid {
        for (String k : m.keySet()) {
            if (NOT_IMPLEMENTED.contains(k)) {
                throw new Invalid(file, "field " + prefix + k + " is not supported by flashstrike-wal (see README: off loopback)");
            }
            if (!known.contains(k)) {
                throw new Invalid(file, "unknown field " + prefix + k);
            }
        }
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
        return users != null && !users.isEmpty();
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

    SSLContext sslContext() {
        return tls.context();
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
