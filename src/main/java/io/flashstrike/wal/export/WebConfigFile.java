package io.flashstrike.wal.export;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a web configuration file into a {@link WebConfig}. Apart from {@code WebConfig} so that
 * plain /metrics (no file) never loads SnakeYAML or Bouncy Castle: a library user who serves
 * without a file needs neither on the class path.
 */
final class WebConfigFile {
    private static final Set<String> TOP = Set.of("tls_server_config", "http_server_config", "basic_auth_users");
    private static final Set<String> TLS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites");
    private static final Set<String> HTTP = Set.of("headers");
    /** Typed fields of tls_server_config; every other one is a string. */
    private static final Set<String> NOT_STRINGS = Set.of("cipher_suites", "prefer_server_cipher_suites");
    private static final Set<String> NOT_IMPLEMENTED = Set.of("curve_preferences", "client_allowed_sans", "cert", "key",
            "client_ca", "http2");
    /** Headers the server itself states: an extra header may not replace or contradict them. */
    private static final Set<String> SERVER_HEADERS = Set.of("content-length", "content-type", "content-encoding",
            "transfer-encoding", "connection", "date", "www-authenticate", "retry-after", "allow", "vary", "keep-alive",
            "upgrade", "trailer", "server");
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private WebConfigFile() {
    }

    static WebConfig read(Path file) throws WebConfig.Invalid {
        Object root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // YAML 1.2 core schema, no tags to classes, duplicate keys refused: data only.
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10).setCodePointLimit(1 << 20).build();
            root = new Load(settings).loadFromReader(in);
        } catch (IOException e) {
            throw new WebConfig.Invalid(file, "cannot read: " + WebConfig.ioProblem(e));
        } catch (YamlEngineException e) {
            throw new WebConfig.Invalid(file, "not valid YAML: " + WebConfig.oneLine(e));
        } catch (StackOverflowError e) {
            // snakeyaml-engine composes nested collections recursively and has no depth limit of
            // its own: thousands of levels exhaust the stack. A config file is a few levels deep.
            throw new WebConfig.Invalid(file, "not valid YAML: nested too deeply (a web config file is 3 levels deep)");
        }
        if (root == null) {
            return new WebConfig(file, null, null, Map.of()); // an empty file: exporter-toolkit serves plain HTTP too
        }
        Map<String, Object> top = WebConfig.map(file, root, "the file");
        checkKeys(file, top, TOP, "");
        Path dir = file.toAbsolutePath().getParent();
        TlsSettings tls = top.containsKey("tls_server_config")
                ? TlsSettings.load(file, dir, tlsFields(file, top.get("tls_server_config"))) : null;
        BasicAuthUsers users = top.containsKey("basic_auth_users")
                ? BasicAuthUsers.of(file, WebConfig.map(file, top.get("basic_auth_users"), "basic_auth_users")) : null;
        Map<String, String> headers = top.containsKey("http_server_config")
                ? headers(file, WebConfig.map(file, top.get("http_server_config"), "http_server_config")) : Map.of();
        return new WebConfig(file, tls, users, headers);
    }

    /** {@code http_server_config.headers}: names are HTTP tokens, values one line of visible text. */
    private static Map<String, String> headers(Path file, Map<String, Object> http) throws WebConfig.Invalid {
        checkKeys(file, http, HTTP, "http_server_config.");
        if (!http.containsKey("headers")) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : WebConfig.map(file, http.get("headers"), "http_server_config.headers").entrySet()) {
            String name = e.getKey();
            if (!TOKEN.matcher(name).matches()) {
                throw new WebConfig.Invalid(file, "http_server_config.headers: '" + name + "' is not a header name");
            }
            if (SERVER_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new WebConfig.Invalid(file, "http_server_config.headers: " + name + " is set by the server itself");
            }
            if (!(e.getValue() instanceof String value) || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
                throw new WebConfig.Invalid(file, "http_server_config.headers." + name + " must be one line of text");
            }
            headers.put(name, value);
        }
        return Map.copyOf(headers);
    }

    private static Map<String, Object> tlsFields(Path file, Object node) throws WebConfig.Invalid {
        Map<String, Object> fields = WebConfig.map(file, node, "tls_server_config");
        checkKeys(file, fields, TLS, "tls_server_config.");
        Map<String, Object> strings = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!NOT_STRINGS.contains(e.getKey()) && !(e.getValue() instanceof String)) {
                throw new WebConfig.Invalid(file, "tls_server_config." + e.getKey() + " must be a string");
            }
            strings.put(e.getKey(), e.getValue());
        }
        return strings;
    }

    private static void checkKeys(Path file, Map<String, Object> m, Set<String> known, String prefix) throws WebConfig.Invalid {
        for (String k : m.keySet()) {
            if (NOT_IMPLEMENTED.contains(k)) {
                throw new WebConfig.Invalid(file, "field " + prefix + k + " is not supported by flashstrike-wal (see README: off loopback)");
            }
            if (!known.contains(k)) {
                throw new WebConfig.Invalid(file, "unknown field " + prefix + k);
            }
        }
    }

}
