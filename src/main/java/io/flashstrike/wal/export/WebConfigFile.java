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
    private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version");
    private static final Set<String> NOT_IMPLEMENTED = Set.of("http_server_config", "cipher_suites", "curve_preferences",
            "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key", "client_ca");

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
            return new WebConfig(file, null, null); // an empty file: exporter-toolkit serves plain HTTP too
        }
        Map<String, Object> top = WebConfig.map(file, root, "the file");
        checkKeys(file, top, TOP, "");
        Path dir = file.toAbsolutePath().getParent();
        TlsSettings tls = top.containsKey("tls_server_config")
                ? TlsSettings.load(file, dir, tlsFields(file, top.get("tls_server_config"))) : null;
        BasicAuthUsers users = top.containsKey("basic_auth_users")
                ? BasicAuthUsers.of(file, WebConfig.map(file, top.get("basic_auth_users"), "basic_auth_users")) : null;
        return new WebConfig(file, tls, users);
    }

    private static Map<String, Object> tlsFields(Path file, Object node) throws WebConfig.Invalid {
        Map<String, Object> fields = WebConfig.map(file, node, "tls_server_config");
        checkKeys(file, fields, TLS, "tls_server_config.");
        Map<String, Object> strings = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!(e.getValue() instanceof String)) {
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
